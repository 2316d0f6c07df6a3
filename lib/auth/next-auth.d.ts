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
  }
}
