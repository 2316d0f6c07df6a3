"use client";

import { useActionState } from "react";
import { secondFactorAction, type SecondFactorResult } from "@/lib/actions/account";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

type Props = {
  /** When it was turned on (formatted), or null while it is off. */
  enabledAt: string | null;
  recoveryCodesLeft: number;
  /** While setting up: the secret as text, and its QR code (a data URL drawn on the server). */
  setup: { secret: string; qr: string } | null;
  /** On, but this session was made without it (single sign-on): a code adds it. */
  verifySession: boolean;
};

/**
 * Two-factor sign-in on the account page. One action state for every form here, so recovery
 * codes just made stay on screen when the page is drawn again around them.
 */
export function SecondFactorPanel({ enabledAt, recoveryCodesLeft, setup, verifySession }: Props) {
  const [state, action, pending] = useActionState<SecondFactorResult, FormData>(secondFactorAction, { ok: false });
  const codeError = state.fieldErrors?.code?.[0];
  const recoveryCodes = state.data?.recoveryCodes;
  return (
    <div className="space-y-5">
      <div aria-live="polite" className="space-y-3">
        {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
        {recoveryCodes ? <RecoveryCodes codes={recoveryCodes} /> : null}
      </div>
      {enabledAt ? (
        <>
          <p className="text-sm text-slate-700">
            <strong className="font-semibold">On</strong> since {enabledAt}. {recoveryCodesLeft} of 10 recovery codes left.
          </p>
          {verifySession ? (
            <form action={action} className="space-y-3">
              <input type="hidden" name="intent" value="verify" />
              <CodeField error={codeError} label="Code to verify this session" />
              <Button type="submit" disabled={pending}>
                {pending ? "Checking…" : "Verify"}
              </Button>
            </form>
          ) : (
            <form action={action} className="space-y-3">
              <CodeField error={codeError} label="Code from your app, or a recovery code" />
              <div className="flex flex-wrap gap-2">
                <Button type="submit" name="intent" value="regenerate" variant="secondary" disabled={pending}>
                  Make new recovery codes
                </Button>
                <Button type="submit" name="intent" value="off" variant="danger" disabled={pending}>
                  Turn off two-factor sign-in
                </Button>
              </div>
            </form>
          )}
        </>
      ) : setup ? (
        <form action={action} className="space-y-4">
          <input type="hidden" name="intent" value="confirm" />
          <ol className="list-decimal space-y-3 pl-5 text-sm text-slate-700">
            <li>
              Scan this QR code with your authenticator app (such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis).
              <img src={setup.qr} alt="QR code to add PatchParty to your authenticator app" width={192} height={192} className="mt-2 rounded border" />
            </li>
            <li>
              Or type this key into the app:{" "}
              <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900" data-testid="totp-secret">
                {setup.secret}
              </code>
            </li>
            <li>Type the 6-digit code the app shows, to confirm.</li>
          </ol>
          <CodeField error={codeError} label="Code from your app" />
          <Button type="submit" disabled={pending}>
            {pending ? "Checking…" : "Turn on two-factor sign-in"}
          </Button>
        </form>
      ) : (
        <form action={action}>
          <input type="hidden" name="intent" value="start" />
          <Button type="submit" disabled={pending}>
            Set up two-factor sign-in
          </Button>
        </form>
      )}
    </div>
  );
}

function CodeField({ error, label }: { error?: string; label: string }) {
  return (
    <Field
      label={label}
      name="code"
      autoComplete="one-time-code"
      autoCapitalize="off"
      spellCheck={false}
      required
      maxLength={40}
      className="max-w-xs"
      error={error}
    />
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section aria-labelledby="recovery-codes-heading" className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <h3 id="recovery-codes-heading" className="text-sm font-semibold text-amber-950">
        Your recovery codes
      </h3>
      <p className="mt-1 text-sm text-amber-900">Shown this once: save or print them now. Each signs you in once when you do not have your app.</p>
      <ol data-testid="recovery-codes" className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm text-slate-900 sm:grid-cols-3">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
    </section>
  );
}
