import { signOutAction } from "@/lib/actions/session";

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button
        type="submit"
        className="whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium text-indigo-100 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-white"
      >
        Sign out
      </button>
    </form>
  );
}
