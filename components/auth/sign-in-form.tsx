"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { callbackPath } from "@/lib/url";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

/**
 * E-mail and password; then, for a person with two-factor sign-in, a code. The second step sends
 * the password again with the code: the server keeps nothing between the two.
 */
export function SignInForm({ callbackUrl, sso }: { callbackUrl: string; sso: { name: string } | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [credentials, setCredentials] = useState<{ email: string; password: string } | null>(null);

  async function attempt(email: string, password: string, code?: string) {
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email, password, ...(code ? { code } : {}), redirect: false });
    setPending(false);
    if (result && !result.error) {
      // The page resolved it already; resolved again here, against where the form really is.
      router.replace(callbackPath(callbackUrl, window.location.origin));
      router.refresh();
      return;
    }
    if (result?.error === "code-needed" && !code) {
      setCredentials({ email, password });
      return;
    }
    setError(signInErrorMessage(result?.error));
  }

  function onPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void attempt(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
  }

  function onCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!credentials) return;
    void attempt(credentials.email, credentials.password, String(new FormData(event.currentTarget).get("code") ?? ""));
  }

  const errorAlert = (
    <div aria-live="polite">
      {error ? (
        <Alert tone="error" id="signin-error">
          {error}
        </Alert>
      ) : null}
    </div>
  );

  if (credentials) {
    return (
      <form onSubmit={onCode} className="space-y-4" noValidate aria-describedby={error ? "signin-error" : undefined}>
        <p className="text-sm text-slate-600">Two-factor sign-in is on for {credentials.email}.</p>
        <Field
          label="Code"
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          required
          autoFocus
          maxLength={40}
          hint="The 6 digits your authenticator app shows for PatchParty, or one of your recovery codes."
        />
        {errorAlert}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Checking…" : "Verify"}
        </Button>
        <Button
          type="button"
          variant="ghost"
          className="w-full"
          onClick={() => {
            setCredentials(null);
            setError(null);
          }}
        >
          Back
        </Button>
      </form>
    );
  }

  return (
    <div className="space-y-5">
      <form onSubmit={onPassword} className="space-y-4" noValidate aria-describedby={error ? "signin-error" : undefined}>
        <Field label="E-mail" name="email" type="email" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        {errorAlert}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {sso ? (
        <>
          <div className="relative text-center text-xs text-slate-400">
            <span className="bg-white px-2">or</span>
          </div>
          <Button variant="secondary" className="w-full" onClick={() => signIn("oidc", { callbackUrl: callbackPath(callbackUrl, window.location.origin) })}>
            Sign in with {sso.name}
          </Button>
        </>
      ) : null}
    </div>
  );
}
