"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getSignedIn } from "../auth/session";
import { endSessions } from "../data/user-admin";

/**
 * Signs out: every session of the person ends (their session version rises, so a copy of this
 * cookie opens nothing either), and next-auth's cookies are deleted. A plain form action, so pages
 * need not ship next-auth's client to the browser.
 */
export async function signOutAction() {
  // Whether or not the session has its second factor yet: signing out is always allowed.
  const user = (await getSignedIn())?.user;
  if (user) await endSessions(user.id, { id: user.id, label: user.email }, "sign-out");
  const jar = await cookies();
  for (const { name } of jar.getAll()) {
    if (/^(__Secure-|__Host-)?next-auth\.(session-token|csrf-token|callback-url)(\.\d+)?$/.test(name)) jar.delete(name);
  }
  redirect("/signin");
}
