// A local OpenID Connect provider for the SSO test (oidc-provider's development login page:
// any login is accepted, and becomes the e-mail address of the account).
import type { Server } from "node:http";
import Provider from "oidc-provider";

export const OIDC_PORT = 3199;
export const OIDC = {
  issuer: `http://localhost:${OIDC_PORT}`,
  clientId: "patchparty-e2e",
  clientSecret: "e2e-client-secret-e2e-client-secret",
  name: "Test SSO",
};

/** `emailVerified: false`: the provider says it has not verified the addresses (PatchParty must refuse them). */
export async function startOidcProvider(portalUrl: string, options: { emailVerified?: boolean } = {}): Promise<{ stop: () => Promise<void> }> {
  const emailVerified = options.emailVerified ?? true;
  const provider = new Provider(OIDC.issuer, {
    clients: [
      {
        client_id: OIDC.clientId,
        client_secret: OIDC.clientSecret,
        redirect_uris: [`${portalUrl}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: emailVerified, name: id }) };
    },
    features: { devInteractions: { enabled: true } },
    // Put email and name in the ID token, as most providers (Keycloak, Entra ID, Okta) do.
    conformIdTokenClaims: false,
    cookies: { keys: ["oidc-e2e-cookie-key"] },
    // Consent is not what is tested: grant the requested scopes straight away.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(OIDC_PORT, () => resolve(s));
  });
  return { stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
