import type { OverdueGroup } from "@/lib/data/compliance";
import { ratingLabel } from "@/lib/domain/deadlines";
import type { Severity } from "@/lib/domain/updates";
import { formatDate } from "@/lib/format";
import { ResourceLink } from "../resources/resource-link";
import { Badge, type Tone } from "../ui/badge";
import { Table, Td, Th } from "../ui/table";

const TONE: Record<Severity, Tone> = { critical: "danger", high: "warning", medium: "info", low: "neutral" };
const ADVISORIES_SHOWN = 3;
const environmentLabel = (e: OverdueGroup["environment"]) => (e === "PRODUCTION" ? "Production" : "Non-production");
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/**
 * Per team and environment, the servers with an update past its deadline: the worst such update,
 * when it fell due and how long ago. Excluded servers are listed too, marked, with their reason.
 */
export function OverdueServers({ groups }: { groups: OverdueGroup[] }) {
  return (
    <div className="divide-y divide-slate-100" data-testid="overdue-servers">
      {groups.map((g) => {
        const title = `${g.team} · ${environmentLabel(g.environment)}`;
        return (
          <section key={`${g.teamId}|${g.environment}`} aria-label={title} className="py-3">
            <h3 className="px-5 text-sm font-semibold text-slate-900">
              {title}{" "}
              <span className="font-normal text-slate-500">
                {plural(g.servers, "server")} past a deadline{g.excluded ? `, ${g.excluded.toLocaleString("en")} of them excluded` : ""}
              </span>
            </h3>
            <Table caption={`Servers past their update deadline: ${title}`}>
              <thead>
                <tr>
                  <Th>Server</Th>
                  <Th>Worst overdue update</Th>
                  <Th>Due</Th>
                  <Th className="text-right">Overdue</Th>
                  <Th>Exclusion</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {g.rows.map((r) => (
                  <tr key={r.name}>
                    <Td>
                      <ResourceLink name={r.name} />
                    </Td>
                    {/* A minimum width: on a phone the table scrolls rather than breaking package names and advisory ids. */}
                    <Td className="min-w-56">
                      <span className="whitespace-nowrap font-mono text-xs">{r.package}</span>{" "}
                      <Badge tone={r.severity ? TONE[r.severity] : "warning"}>{ratingLabel(r.severity)}</Badge>
                      {r.advisories.length ? (
                        <div className="text-xs text-slate-500">
                          {r.advisories.slice(0, ADVISORIES_SHOWN).join(", ")}
                          {r.advisories.length > ADVISORIES_SHOWN ? ` +${r.advisories.length - ADVISORIES_SHOWN}` : ""}
                        </div>
                      ) : null}
                      {r.overdueUpdates > 1 ? <div className="text-xs text-slate-500">{plural(r.overdueUpdates - 1, "more update")} overdue</div> : null}
                    </Td>
                    <Td className="whitespace-nowrap">{formatDate(r.due, "UTC")}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{plural(r.daysOverdue, "day")}</Td>
                    <Td className="min-w-48">
                      {r.excluded ? (
                        <>
                          <Badge tone="warning">Excluded</Badge>
                          {r.exclusionReason ? <div className="text-xs text-slate-600">{r.exclusionReason}</div> : null}
                        </>
                      ) : (
                        <span className="text-slate-500">—</span>
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {g.servers > g.rows.length ? (
              <p className="px-5 pt-2 text-xs text-slate-500">
                The {g.rows.length.toLocaleString("en")} most overdue of {g.servers.toLocaleString("en")}.
              </p>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
