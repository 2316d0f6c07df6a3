import type { Role } from "./permissions";

declare module "next-auth" {
  /** What `authorize` returns: how the person signed in (lib/auth/second-factor.ts). */
  interface User {
    amr?: string[];
  }
  interface Session {
    user?: { id?: string; name?: string | null; email?: string | null; image?: string | null; role?: Role; teamIds?: string[] };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    /** Read-only: a decrypted token is kept and shared by every request (lib/cache/stores.ts). */
    teamIds?: readonly string[];
    /** The user's session version when this session was made (lib/data/user-admin.ts). */
    sv?: number;
    /** When the person signed in (seconds since 1970): the session ends 12 h later, refreshed or not. */
    authTime?: number;
    /** How the person signed in: ["pwd"], ["pwd", "otp"], or the single sign-on provider's methods. */
    amr?: readonly string[];
    /** The single sign-on provider's authentication context class, when it sent one. */
    acr?: string;
  }
}
