// next-auth configuration: e-mail + password for everyone, and SSO through any OpenID Connect
// provider when OIDC_* is set. Sessions are JWTs carrying the user's id, role and teams.
import "server-only";
import type { AuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env, oidcConfig } from "../env";
import { hasSecondFactor, takeSecondFactorCode } from "../data/mfa";
import { callbackPath } from "../url";
import { endSessions } from "../data/user-admin";
import { getPasswordHash, getSessionUser, getUserByEmail } from "../data/users";
import { clientAddress } from "./client-address";
import { DUMMY_HASH, PasswordCheckBusy, verifyPassword } from "./password";
import { AMR_ONE_TIME_CODE, AMR_PASSWORD, providerMethods } from "./second-factor";
import { signInError, SSO_EMAIL_UNVERIFIED } from "./sign-in-errors";
import { recordSignInFailure, recordSignInSuccess, signInRefusal } from "./sign-in-limits";
import { SESSION_SECONDS, sessionCurrent } from "./session-token";

const CredentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
  // A code from the authenticator app or a recovery code, once the password was found right.
  code: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((v) => v || undefined),
});

/** Thrown when a session's cookie is refreshed after the session ended: next-auth then clears it. */
class SessionEnded extends Error {
  override name = "SessionEnded";
  constructor() {
    super("The session has ended.");
  }
}

/** The session's marks, set once at sign-in: the person's session version, the time, and how they signed in. */
async function stampSession(token: JWT, userId: string, how: { amr: string[]; acr?: string }) {
  const found = await getSessionUser(userId);
  if (!found) return;
  token.uid = found.user.id;
  token.role = found.user.role;
  token.teamIds = found.user.teamIds;
  token.email = found.user.email;
  token.name = found.user.name;
  token.sv = found.sessionVersion;
  token.authTime = Math.floor(Date.now() / 1000);
  token.amr = how.amr;
  if (how.acr) token.acr = how.acr;
}

export function authOptions(): AuthOptions {
  const sso = oidcConfig();
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_SECONDS },
    // next-auth gives the token 30 days unless told: it must end with the session.
    jwt: { maxAge: SESSION_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: {
          email: { label: "E-mail", type: "email" },
          password: { label: "Password", type: "password" },
          code: { label: "Code", type: "text" },
        },
        async authorize(raw, request) {
          const parsed = CredentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { email, password, code } = parsed.data;
          // Limits first: a locked account or a blocked address costs no password check.
          const address = clientAddress(request?.headers ?? {}, env().PATCHPARTY_TRUSTED_PROXIES);
          const refusal = await signInRefusal(email, address);
          if (refusal) throw new Error(signInError(refusal.reason === "account-locked" ? "locked" : "address-blocked", refusal.retryAfterSeconds));
          const row = await getPasswordHash(email);
          let valid: boolean;
          try {
            // Always compare, so an unknown e-mail takes as long as a wrong password.
            valid = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
          } catch (error) {
            if (error instanceof PasswordCheckBusy) throw new Error(signInError("busy"));
            throw error;
          }
          if (!row?.passwordHash || !valid) {
            await recordSignInFailure(email, address, new Date());
            return null;
          }
          const found = await getSessionUser(row.id);
          // An executor is a machine: it reports through the API with a token and opens no session.
          if (!found || found.user.role === "EXECUTOR") return null;
          // A second factor: the right password alone makes no session, and does not start the
          // count of failures again (else a known password would buy unlimited guesses at codes).
          const twoFactor = await hasSecondFactor(found.user.id);
          if (twoFactor) {
            if (!code) throw new Error(signInError("code-needed"));
            if (!(await takeSecondFactorCode(found.user, code, new Date()))) {
              await recordSignInFailure(email, address, new Date());
              throw new Error(signInError("code-wrong"));
            }
          }
          await recordSignInSuccess(email);
          const amr = twoFactor ? [AMR_PASSWORD, AMR_ONE_TIME_CODE] : [AMR_PASSWORD];
          return { id: found.user.id, email: found.user.email, name: found.user.name, amr };
        },
      }),
      ...(sso
        ? [
            {
              id: "oidc",
              name: sso.name,
              type: "oauth" as const,
              wellKnown: `${sso.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
              clientId: sso.clientId,
              clientSecret: sso.clientSecret,
              idToken: true,
              checks: ["pkce", "state"] as ("pkce" | "state")[],
              authorization: { params: { scope: "openid email profile" } },
              profile(profile: { sub: string; email?: string; name?: string }) {
                // email_verified is checked in the signIn callback, which sees the provider's own claims.
                return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
              },
            },
          ]
        : []),
    ],
    callbacks: {
      // Wherever next-auth sends a browser after signing in or out (an SSO callbackUrl included):
      // a path on the portal, never another site (lib/url.ts says how it is resolved).
      redirect({ url, baseUrl }) {
        return new URL(callbackPath(url, baseUrl), baseUrl).toString();
      },
      // SSO signs in only people an admin has added, by an address the provider has verified (else
      // whoever could put that address on a provider account would be them); their role comes from
      // PatchParty, not the provider.
      async signIn({ user, account, profile }) {
        if (account?.provider === "credentials") return true;
        if ((profile as { email_verified?: unknown } | undefined)?.email_verified !== true) return SSO_EMAIL_UNVERIFIED;
        const person = user.email ? await getUserByEmail(user.email) : null;
        return Boolean(person && person.role !== "EXECUTOR");
      },
      async jwt({ token, user, account, profile }) {
        if (user && account) {
          const credentials = account.provider === "credentials";
          const id = credentials ? user.id : (await getUserByEmail(user.email ?? ""))?.id;
          // How the provider says the person signed in counts as theirs (a second factor or not).
          if (id) await stampSession(token, id, credentials ? { amr: user.amr ?? [AMR_PASSWORD] } : providerMethods(profile as Record<string, unknown>));
          return token;
        }
        // A refresh (GET /api/auth/session): an ended session gets no new cookie; next-auth clears it.
        const found = typeof token.uid === "string" ? await getSessionUser(token.uid) : null;
        if (!found || !sessionCurrent(token, found.sessionVersion, new Date())) throw new SessionEnded();
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") {
          session.user.id = token.uid;
          session.user.role = token.role;
          session.user.teamIds = [...(token.teamIds ?? [])];
        }
        return session;
      },
    },
    events: {
      // next-auth's own sign-out (POST /api/auth/signout) ends every session of the person, as
      // the portal's button does (lib/actions/session.ts).
      async signOut({ token }) {
        if (typeof token?.uid === "string") await endSessions(token.uid, { id: token.uid, label: token.email ?? token.uid }, "sign-out");
      },
    },
    logger: {
      error(code, metadata) {
        // An ended session refreshed is expected, not an error worth a log line.
        const cause = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
        if (code === "JWT_SESSION_ERROR" && cause instanceof Error && cause.name === "SessionEnded") return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
  };
}
