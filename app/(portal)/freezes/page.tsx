import type { Metadata } from "next";
import { FreezeForm } from "@/components/admin/freeze-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RevokeButton } from "@/components/ui/revoke-button";
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { deleteFreezeAction } from "@/lib/actions/freezes";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listFreezes } from "@/lib/data/freezes";
import { listTeams } from "@/lib/data/users";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Freeze periods" };

const SCOPE_LABELS = { all: "Everything", production: "Production", "non-production": "Non-production" } as const;

export default async function FreezesPage() {
  const user = await requireUser();
  const now = new Date();
  const manages = can(user, { action: "freeze:manage" });
  const [freezes, zone, teams] = await Promise.all([listFreezes(now), viewerTimeZone(), manages ? listTeams(readableTeams(user)) : Promise.resolve([])]);
  return (
    <>
      <PageHeader
        title="Freeze periods"
        description="Nothing starts inside a freeze for the servers it holds: party slots and upgrade windows that overlap one are flagged, and the engines wait until it is over."
      />
      <div className="space-y-6">
        {manages ? (
          <Card aria-labelledby="new-freeze">
            <CardHeader id="new-freeze" title="New freeze" />
            <CardBody>
              <FreezeForm zone={zone} teams={teams} />
            </CardBody>
          </Card>
        ) : null}
        {freezes.length === 0 ? (
          <EmptyState title="No freeze periods">{manages ? "Add one above: a year-end freeze, a launch, an audit." : "An admin adds them."}</EmptyState>
        ) : (
          <Card>
            <Table caption="Freeze periods">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>When</Th>
                  <Th>Holds</Th>
                  <Th>Why</Th>
                  {manages ? (
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="freezes">
                {freezes.map((f) => (
                  <tr key={f.id}>
                    <Td className="font-medium text-slate-900">
                      {f.name} {f.startsAt <= now && now < f.endsAt ? <Badge tone="warning">in force</Badge> : f.endsAt <= now ? <Badge>over</Badge> : null}
                    </Td>
                    <Td>
                      <TimeRange start={f.startsAt} end={f.endsAt} viewerZone={zone} withDate />
                    </Td>
                    <Td>
                      {SCOPE_LABELS[f.scope]}
                      {f.teams.length ? `: ${f.teams.map((t) => t.name).join(", ")}` : ""}
                    </Td>
                    <Td className="max-w-xs break-words">{f.reason}</Td>
                    {manages ? (
                      <Td>
                        <RevokeButton action={deleteFreezeAction} id={f.id} label={`the freeze ${f.name}`} verb="Remove" />
                      </Td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}
      </div>
    </>
  );
}
