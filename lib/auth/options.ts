// next-auth configuration: e-mail + password for everyone, and SSO through any OpenID Connect
// provider when OIDC_* is set. Sessions are JWTs carrying the user's id, role and teams.
import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env, oidcConfig } from "../env";
import { getPasswordHash, getUserByEmail, getUserById } from "../data/users";
import { DUMMY_HASH, verifyPassword } from "./password";

const CredentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

const SESSION_SECONDS = 12 * 60 * 60;

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
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw) {
          const parsed = CredentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const row = await getPasswordHash(parsed.data.email);
          // Always compare, so an unknown e-mail takes as long as a wrong password.
          const valid = await verifyPassword(parsed.data.password, row?.passwordHash ?? DUMMY_HASH);
          if (!row?.passwordHash || !valid) return null;
          const user = await getUserById(row.id);
          // An executor is a machine: it reports through the API with a token and opens no session.
          return user && user.role !== "EXECUTOR" ? { id: user.id, email: user.email, name: user.name } : null;
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
                return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
              },
            },
          ]
        : []),
    ],
    callbacks: {
      // SSO signs in only people an admin has added; their role comes from PatchParty, not the provider.
      async signIn({ user, account }) {
        if (account?.provider === "credentials") return true;
        const person = user.email ? await getUserByEmail(user.email) : null;
        return Boolean(person && person.role !== "EXECUTOR");
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          const current = account.provider === "credentials" ? await getUserById(user.id) : await getUserByEmail(user.email ?? "");
          if (current) {
            token.uid = current.id;
            token.role = current.role;
            token.teamIds = current.teamIds;
            token.email = current.email;
            token.name = current.name;
          }
        }
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
  };
}
