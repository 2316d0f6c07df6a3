// Who is calling: requireUser() for pages and actions, authenticateRequest() for the API.
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { findUserByToken } from "../data/api-tokens";
import { getUserById } from "../data/users";
import { authOptions } from "./options";
import type { CurrentUser } from "./permissions";

/** The signed-in user as the database has them now (role changes apply at once). */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  return id ? getUserById(id) : null;
});

export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin");
  return user;
}

/** A bearer API token or the session cookie; null when neither identifies anyone. */
export async function authenticateRequest(request: Request): Promise<CurrentUser | null> {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ? findUserByToken(match[1]) : null;
  }
  return getCurrentUser();
}
