import type { Metadata } from "next";
import Image from "next/image";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Alert } from "@/components/ui/alert";
import { SECOND_FACTOR_SETUP_PATH } from "@/lib/auth/second-factor";
import { getSignedIn } from "@/lib/auth/session";
import { env, oidcConfig } from "@/lib/env";
import { callbackPath } from "@/lib/url";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Only paths inside the portal, so the form cannot be used to send people elsewhere.
  const callbackUrl = callbackPath(params.callbackUrl, env().NEXTAUTH_URL);
  const signedIn = await getSignedIn();
  // Signed in already: where they were going, or to set up the second factor their role needs first.
  if (signedIn) redirect(signedIn.secondFactorMissing ? SECOND_FACTOR_SETUP_PATH : callbackUrl);
  const sso = oidcConfig();
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-indigo-700 via-indigo-600 to-violet-600 px-4">
      <div className="w-full max-w-sm rounded-2xl bg-white p-8 shadow-xl">
        <div className="mb-6 flex items-center gap-3">
          <Image src="/logo.svg" alt="" width={36} height={36} priority />
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Sign in to PatchParty</h1>
            <p className="text-sm text-slate-500">Plan, run and audit your fleet&apos;s patching.</p>
          </div>
        </div>
        {params.changed === "password" ? (
          <div className="mb-4">
            <Alert tone="success">Your password is changed and every session of yours has ended. Sign in with the new password.</Alert>
          </div>
        ) : null}
        {params.error === "EmailUnverified" ? (
          <div className="mb-4">
            <Alert tone="error">
              Your single sign-on provider has not verified your e-mail address, so PatchParty cannot tell it is yours. Verify it with your provider, or ask an
              admin.
            </Alert>
          </div>
        ) : null}
        {params.error === "AccessDenied" ? (
          <div className="mb-4">
            <Alert tone="error">Your single sign-on account has no PatchParty access. Ask an admin to add you.</Alert>
          </div>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} sso={sso ? { name: sso.name } : null} />
      </div>
    </main>
  );
}
