"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/signin" })}
      className="whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium text-indigo-100 hover:bg-white/10 hover:text-white"
    >
      Sign out
    </button>
  );
}
