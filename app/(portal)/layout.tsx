import type { ReactNode } from "react";
import { AppShell, type Simulation } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth/session";
import { listTeamNames } from "@/lib/data/users";
import { env } from "@/lib/env";
import { holdsDemoData } from "@/lib/data/installation";
import { viewerTimeZone } from "@/lib/viewer";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const [teams, zone, demoData] = await Promise.all([listTeamNames(user.teamIds), viewerTimeZone(), holdsDemoData()]);
  const simulation: Simulation = demoData ? "demo-data" : env().PATCHPARTY_EXECUTOR === "simulated" ? "simulated-executor" : null;
  return (
    <AppShell user={user} teams={teams} viewerZone={zone} simulation={simulation}>
      {children}
    </AppShell>
  );
}
