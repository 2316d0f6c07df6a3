import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth/session";
import { listTeamNames } from "@/lib/data/users";
import { viewerTimeZone } from "@/lib/viewer";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const [teams, zone] = await Promise.all([listTeamNames(user.teamIds), viewerTimeZone()]);
  return (
    <AppShell user={user} teams={teams} viewerZone={zone}>
      {children}
    </AppShell>
  );
}
