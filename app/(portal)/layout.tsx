import type { ReactNode } from "react";
import { AppShell, type Simulation } from "@/components/shell/app-shell";
import { requireSignedIn } from "@/lib/auth/session";
import { listTeamNames } from "@/lib/data/users";
import { env } from "@/lib/env";
import { holdsDemoData } from "@/lib/data/installation";
import { viewerTimeZone } from "@/lib/viewer";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  // Signed in, with or without the second factor their role needs: the account page, where it is
  // set up, is drawn in this layout too. Every other page asks requireUser, which sends them there.
  const { user, secondFactorMissing } = await requireSignedIn();
  const [teams, zone, demoData] = await Promise.all([listTeamNames(user.teamIds), viewerTimeZone(), holdsDemoData()]);
  const simulation: Simulation = demoData ? "demo-data" : env().PATCHPARTY_EXECUTOR === "simulated" ? "simulated-executor" : null;
  return (
    <AppShell user={user} teams={teams} viewerZone={zone} simulation={simulation} secondFactorMissing={secondFactorMissing}>
      {children}
    </AppShell>
  );
}
