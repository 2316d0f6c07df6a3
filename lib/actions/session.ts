"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";

/**
 * Signs out by deleting next-auth's cookies (sessions are JWTs: there is nothing to end on the
 * server). A plain form action, so pages need not ship next-auth's client to the browser.
 */
export async function signOutAction() {
  const jar = await cookies();
  for (const { name } of jar.getAll()) {
    if (/^(__Secure-|__Host-)?next-auth\.(session-token|csrf-token|callback-url)(\.\d+)?$/.test(name)) jar.delete(name);
  }
  redirect("/signin");
}
