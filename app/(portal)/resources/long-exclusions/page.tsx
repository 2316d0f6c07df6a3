import type { Metadata } from "next";
import Link from "next/link";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { longExclusions } from "@/lib/data/exclusion-report";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Long exclusions" };

export default async function LongExclusionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const mine = (await searchParams).mine === "1" && user.teamIds.length > 0;
  // An owner reads only their teams' servers (readableTeams), "mine" or not.
  const scope = readableTeams(user);
  const rows = await longExclusions(new Date(), { teamIds: scope ? [...scope] : mine ? user.teamIds : undefined });
  return (
    <>
      <Breadcrumb parent={{ href: "/resources", label: "Resources" }} current="Long exclusions" />
      <PageHeader
        title="Long exclusions"
        description="Resources excluded without a break through more than two Patch Parties of their environment: each one is a server that has gone unpatched for months. Include them again, or give a reason that still holds."
        actions={
          // An owner's report is their teams' already (readableTeams): nothing to narrow.
          user.teamIds.length && scope === null ? (
            <Link href={mine ? "/resources/long-exclusions" : "/resources/long-exclusions?mine=1"} className="text-sm text-indigo-700 hover:underline">
              {mine ? "All teams" : "Only my teams"}
            </Link>
          ) : null
        }
      />
      {rows.length === 0 ? (
        <EmptyState title="No long exclusions">Every excluded resource missed at most two parties.</EmptyState>
      ) : (
        <Card>
          <Table caption="Resources excluded through more than two parties">
            <thead>
              <tr>
                <Th>Resource</Th>
                <Th>Team</Th>
                <Th className="text-right">Parties missed</Th>
                <Th>Excluded since</Th>
                <Th>Why</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id}>
                  <Td>
                    <Link href={`/resources/${encodeURIComponent(r.name)}`} className="row-link">
                      {r.name}
                    </Link>
                    <div className="text-xs text-slate-500">{r.environment === "PRODUCTION" ? "production" : "non-production"}</div>
                  </Td>
                  <Td>{r.team}</Td>
                  <Td className="text-right font-semibold tabular-nums">{r.missed}</Td>
                  <Td className="tabular-nums text-xs">{formatDate(r.excludedAt, "UTC")}</Td>
                  <Td className="max-w-md text-xs text-slate-700">
                    {r.reason ?? "—"}
                    {r.until ? <div className="text-slate-500">until {formatDate(r.until, "UTC")}</div> : null}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
