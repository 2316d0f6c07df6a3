import Image from "next/image";
import Link from "next/link";
import type { ReactNode } from "react";
import { can, ROLE_LABELS, type CurrentUser } from "@/lib/auth/permissions";
import { SignOutButton } from "../auth/sign-out-button";
import { NavLinks, type NavItem } from "./nav-links";
import { TimeZoneSync } from "./time-zone-sync";

/** Why outcomes on the pages are not from real servers: the demo data, or the simulated executor asked for by name. */
export type Simulation = "demo-data" | "simulated-executor" | null;

const SIMULATION_NOTES: Record<NonNullable<Simulation>, string> = {
  "demo-data": "Demo data: outcomes on these pages come from the simulated executor, not from real servers.",
  "simulated-executor": "Simulated executor: outcomes of new upgrades are made up, not from real servers (PATCHPARTY_EXECUTOR=simulated).",
};

export function AppShell({
  user,
  teams,
  viewerZone,
  simulation,
  secondFactorMissing = false,
  children,
}: {
  user: CurrentUser;
  teams: string[];
  viewerZone: string;
  simulation: Simulation;
  /** The session lacks the second factor the person's role needs: only their account page opens. */
  secondFactorMissing?: boolean;
  children: ReactNode;
}) {
  const items: NavItem[] = secondFactorMissing
    ? [{ href: "/account", label: "Your account" }]
    : [
        { href: "/", label: "Home" },
        { href: "/calendar", label: "Calendar" },
        ...(user.teamIds.length ? [{ href: "/my-patch-day", label: "My patch day" }] : []),
        { href: "/resources", label: "Resources" },
        { href: "/policies", label: "Policies" },
        { href: "/templates", label: "Templates" },
        { href: "/changes", label: "Changes" },
        { href: "/freezes", label: "Freezes" },
        ...(can(user, { action: "notice:read" }) ? [{ href: "/notifications", label: "Notices" }] : []),
        { href: "/compliance", label: "Compliance" },
        ...(can(user, { action: "audit:read" }) ? [{ href: "/audit", label: "Audit" }] : []),
        ...(can(user, { action: "party-rule:edit" }) ? [{ href: "/admin/party-rule", label: "Party rule" }] : []),
        ...(can(user, { action: "token:manage" }) ? [{ href: "/admin/tokens", label: "API tokens" }] : []),
        ...(can(user, { action: "webhook:manage" }) ? [{ href: "/admin/webhooks", label: "Webhooks" }] : []),
        ...(can(user, { action: "inventory:manage" }) ? [{ href: "/admin/inventory", label: "Inventory" }] : []),
        ...(can(user, { action: "user:manage" }) ? [{ href: "/admin/users", label: "People" }] : []),
        ...(can(user, { action: "execution:configure" }) ? [{ href: "/admin/execution", label: "Execution" }] : []),
      ];
  return (
    <div className="min-h-screen">
      <TimeZoneSync current={viewerZone} />
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="bg-indigo-700 shadow">
        {/* Two rows: the sections get the whole width, so the navigation never wraps mid-list. */}
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 pt-2.5 sm:px-6">
          <Link href="/" className="flex shrink-0 items-center gap-2 text-white">
            <Image src="/logo.svg" alt="" width={28} height={28} priority />
            <span className="text-lg font-semibold tracking-tight">PatchParty</span>
          </Link>
          {/* May shrink (the teams line is cut with an ellipsis), so "Sign out" stays in the header on a phone. */}
          <div className="flex min-w-0 items-center gap-1 sm:gap-3">
            {/* The user menu: who is signed in, and their account page (two-factor sign-in, password). */}
            <Link
              href="/account"
              className="block min-w-0 rounded-md px-2 py-1 text-right leading-tight hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-white"
              data-testid="current-user"
            >
              <p className="truncate text-sm font-medium text-white">
                <span className="sr-only">Your account: </span>
                {user.name}
              </p>
              <p className="max-w-80 truncate text-xs text-indigo-200" title={teams.length ? `${ROLE_LABELS[user.role]} · ${teams.join(", ")}` : undefined}>
                {ROLE_LABELS[user.role]}
                {teams.length ? ` · ${teams.join(", ")}` : ""}
              </p>
            </Link>
            <SignOutButton />
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto max-w-7xl px-2 pb-1.5 pt-1 sm:px-4">
          <NavLinks items={items} />
        </nav>
      </header>
      {simulation ? (
        <div role="status" className="border-b border-amber-200 bg-amber-50" data-testid="simulation-banner">
          <p className="mx-auto max-w-7xl px-4 py-1.5 text-sm text-amber-900 sm:px-6">{SIMULATION_NOTES[simulation]}</p>
        </div>
      ) : null}
      <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
        {children}
      </main>
      <footer className="mx-auto max-w-7xl px-4 pb-8 text-xs text-slate-600 sm:px-6">
        Times are stored in UTC and shown in UTC and in your time zone ({viewerZone}).
      </footer>
    </div>
  );
}
