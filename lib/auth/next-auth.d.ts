import type { Role } from "./permissions";

declare module "next-auth" {
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
  }
}
