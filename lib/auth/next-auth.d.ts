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
    teamIds?: string[];
  }
}
