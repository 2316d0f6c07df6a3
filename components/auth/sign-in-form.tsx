"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { callbackPath } from "@/lib/url";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

export function SignInForm({ callbackUrl, sso }: { callbackUrl: string; sso: { name: string } | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      setError(signInErrorMessage(result?.error));
      return;
    }
    // The page resolved it already; resolved again here, against where the form really is.
    router.replace(callbackPath(callbackUrl, window.location.origin));
    router.refresh();
  }

  return (
    <div className="space-y-5">
      <form onSubmit={onSubmit} className="space-y-4" noValidate aria-describedby={error ? "signin-error" : undefined}>
        <Field label="E-mail" name="email" type="email" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <div aria-live="polite">
          {error ? (
            <Alert tone="error" id="signin-error">
              {error}
            </Alert>
          ) : null}
        </div>
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
