// What a refused sign-in says. The server's `authorize` throws one of these codes (next-auth hands
// the thrown message to the form as `error`); the form turns it into words. A wrong e-mail and a
// wrong password read the same, and so do a locked account that exists and one that does not.

export type SignInErrorCode = "locked" | "address-blocked" | "busy" | "code-needed" | "code-wrong";

/** Where a single sign-on whose provider has not verified the e-mail address ends (the sign-in page says why). */
export const SSO_EMAIL_UNVERIFIED = "/signin?error=EmailUnverified";

/** The code for a refusal that lasts `seconds`: "locked:900". */
export const signInError = (code: SignInErrorCode, seconds?: number) => (seconds === undefined ? code : `${code}:${Math.max(1, Math.ceil(seconds))}`);

const minutes = (seconds: number) => {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? "a minute" : `${m} minutes`;
};

/** The words for a refused sign-in's `error`, whatever it holds. */
export function signInErrorMessage(error: string | null | undefined): string {
  const [code, value] = (error ?? "").split(":");
  const seconds = Number(value);
  const wait = Number.isFinite(seconds) && seconds > 0 ? minutes(seconds) : "a while";
  switch (code) {
    case "locked":
      return `Too many failed sign-ins for this account: it is locked. Wait ${wait} and try again, or ask an admin to unlock it.`;
    case "address-blocked":
      return `Too many failed sign-ins from your network address. Wait ${wait} and try again.`;
    case "busy":
      return "Too many sign-ins at once right now. Wait a moment and try again.";
    case "code-needed":
      return "Enter the 6-digit code from your authenticator app, or one of your recovery codes.";
    case "code-wrong":
      return "That code is not right. Type the 6 digits your app shows now, or an unused recovery code.";
    default:
      // Never say which part was wrong.
      return "Wrong e-mail or password.";
  }
}
