import type { Metadata } from "next";
import QRCode from "qrcode";
import { PasswordForm } from "@/components/account/password-form";
import { SecondFactorPanel } from "@/components/account/second-factor-panel";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requireSignedIn } from "@/lib/auth/session";
import { getSecondFactor } from "@/lib/data/mfa";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Your account" };

/** The QR code of the app's set-up address, drawn on the server: an SVG as a data URL. */
async function qrDataUrl(uri: string) {
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/**
 * The signed-in person's own account: two-factor sign-in and their password. Open to a session
 * that still lacks the second factor its role needs (requireSignedIn): every other page sends
 * such a person here.
 */
export default async function AccountPage() {
  const { user, secondFactorMissing } = await requireSignedIn();
  const [factor, zone] = await Promise.all([getSecondFactor(user), viewerTimeZone()]);
  const mode = env().PATCHPARTY_MFA;
  return (
    <>
      <PageHeader title="Your account" description={`${user.name} · ${user.email} · ${ROLE_LABELS[user.role]}`} />
      <div className="grid max-w-3xl gap-6">
        {secondFactorMissing ? (
          <Alert tone="warning">
            {factor.enabledAt
              ? "Verify this session with a code from your authenticator app before you go on: your role needs two-factor sign-in."
              : `Set up two-factor sign-in first: your role (${ROLE_LABELS[user.role]}) needs it before anything else in PatchParty.`}
          </Alert>
        ) : null}
        <Card aria-labelledby="two-factor-heading">
          <CardHeader
            id="two-factor-heading"
            title="Two-factor sign-in"
            description={
              mode === "off"
                ? "Optional here. With it on, signing in asks for a code from your authenticator app after your password."
                : "Signing in asks for a code from your authenticator app after your password."
            }
          />
          <CardBody>
            <SecondFactorPanel
              enabledAt={factor.enabledAt ? formatDateTime(factor.enabledAt, zone) : null}
              recoveryCodesLeft={factor.recoveryCodesLeft}
              setup={factor.setup ? { secret: factor.setup.secret, qr: await qrDataUrl(factor.setup.uri) } : null}
              verifySession={Boolean(factor.enabledAt) && secondFactorMissing}
            />
          </CardBody>
        </Card>
        <Card aria-labelledby="password-heading">
          <CardHeader id="password-heading" title="Password" description="Changing it ends every session of yours, this one too." />
          <CardBody>
            <PasswordForm />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
