import type { Metadata } from "next";
import Link from "next/link";
import { DateTime } from "luxon";
import { FeedPanel } from "@/components/calendar/feed-panel";
import { monthCells } from "@/components/calendar/month-cells";
import { MonthGrid } from "@/components/calendar/month-grid";
import { PartyKindBadge } from "@/components/parties/party-kind-badge";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { cx } from "@/components/ui/cx";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect, type FilterOption } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listFeeds } from "@/lib/data/calendar-feed";
import { partyChanges } from "@/lib/data/change-requests";
import { keptMonthGrid } from "@/lib/cache/stores";
import { partyBlockedReason, partyFreezes, partyKey, quarterGrids, viewRange, type CalendarParty } from "@/lib/domain";
import { freezesAfter } from "@/lib/data/freezes";
import { windowConflictsOf } from "@/lib/data/conflicts";
import { listParties } from "@/lib/data/parties";
import { listPolicyWindows } from "@/lib/data/policies";
import { slotCounts } from "@/lib/data/party-detail";
import { listTeams } from "@/lib/data/users";
import { env } from "@/lib/env";
import { formatRange, zoneAbbreviation } from "@/lib/format";
import { calendarHref, calendarPageQuery } from "@/lib/validation/calendar-page";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Calendar" };

export default async function CalendarPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = calendarPageQuery(await searchParams);
  const now = new Date();
  const viewerZone = await viewerTimeZone();
  const zone = query.tz === "local" ? viewerZone : "UTC";
  const range = viewRange(query.view, query.date ?? DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM"), zone, now);
  const scope = readableTeams(user);
  const teams = await listTeams(scope);
  const team = teams.find((t) => t.slug === query.team);
  const [all, feeds, allWindows, freezesAhead] = await Promise.all([
    listParties(range.from, range.to),
    listFeeds(user.id),
    listPolicyWindows(range.from, range.to),
    freezesAfter(range.from),
  ]);
  const freezes = freezesAhead.filter((f) => f.startsAt < range.to);
  // Upgrade windows belong to no environment or patch group: those filters hide them.
  const windows = query.environment || query.group ? [] : allWindows;
  const parties: CalendarParty[] = all
    .filter((p) => !query.environment || p.kind === (query.environment === "production" ? "production" : "qa"))
    .map((p) => (query.group ? { ...p, slots: p.slots.filter((s) => s.group === query.group) } : p));
  const [counts, changes, clashes] = await Promise.all([
    // The schedule is everyone's; its counts are of the reader's teams (issue 21), of one when filtered.
    slotCounts(parties, now, team ? (scope === null || scope.includes(team.id) ? [team.id] : []) : scope),
    partyChanges(parties.flatMap((p) => (p.kind === "production" && p.id ? [p.id] : []))),
    windowConflictsOf(parties, allWindows, now, scope),
  ]);
  // Parties whose slots overlap an upgrade window of a template whose servers they patch (issue 16).
  const clashing = new Map<string, string[]>();
  for (const c of clashes) {
    const key = partyKey({ tag: c.party.tag, kind: c.party.kind });
    clashing.set(key, [...new Set([...(clashing.get(key) ?? []), c.template.name])]);
  }
  // A production party still to come starts only with an approved change request.
  const blocked = new Set(
    parties
      .filter(
        (p) =>
          p.kind === "production" && p.status !== "cancelled" && p.endsAt > now && partyBlockedReason(p, (p.id ? changes.get(p.id) : null) ?? null) !== null,
      )
      .map(partyKey),
  );
  const filterQs = new URLSearchParams(
    Object.entries({ environment: query.environment, team: query.team, group: query.group }).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  ).toString();
  const anchor = DateTime.fromISO(range.anchor);
  const marks = { parties, counts, zone, windows, blocked, freezes, clashing };
  return (
    <>
      <PageHeader
        title="Patch calendar"
        description="QA parties run on a Thursday during business hours for non-production resources; production parties on the first Sunday at least three weeks later. Each patch group has its own slot; the number is how many resources it patches."
        actions={
          <a href={`/api/v1/calendar.ics${filterQs ? `?${filterQs}` : ""}`} download className={buttonClass("secondary")}>
            Download .ics
          </a>
        }
      />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Calendar period" className="flex items-center gap-2">
          <Link
            href={calendarHref(query, { date: range.previous })}
            className={buttonClass("secondary")}
            aria-label={`Previous ${query.view === "agenda" ? "six months" : query.view}`}
          >
            ←
          </Link>
          <Link href={calendarHref(query, { date: range.today })} className={buttonClass("secondary")}>
            Today
          </Link>
          <Link
            href={calendarHref(query, { date: range.next })}
            className={buttonClass("secondary")}
            aria-label={`Next ${query.view === "agenda" ? "six months" : query.view}`}
          >
            →
          </Link>
          <h2 className="ml-2 text-lg font-semibold text-slate-900" aria-live="polite" data-testid="calendar-title">
            {range.title}
          </h2>
        </nav>
        <div className="flex flex-wrap items-center gap-3">
          <div role="group" aria-label="View" className="inline-flex rounded-md shadow-sm">
            {(["month", "quarter", "agenda"] as const).map((view, i) => (
              <Link
                key={view}
                href={calendarHref(query, { view })}
                aria-current={query.view === view ? "page" : undefined}
                className={cx(
                  "px-3 py-2 text-sm font-medium ring-1 ring-inset ring-slate-300",
                  i === 0 && "rounded-l-md",
                  i === 2 && "rounded-r-md",
                  query.view === view ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 hover:bg-slate-50",
                )}
              >
                {view[0]!.toUpperCase() + view.slice(1)}
              </Link>
            ))}
          </div>
          <div role="group" aria-label="Time zone" className="inline-flex rounded-md shadow-sm">
            {(["utc", "local"] as const).map((tz, i) => (
              <Link
                key={tz}
                href={calendarHref(query, { tz })}
                aria-current={query.tz === tz ? "true" : undefined}
                className={cx(
                  "px-3 py-2 text-sm font-medium ring-1 ring-inset ring-slate-300",
                  i === 0 ? "rounded-l-md" : "rounded-r-md",
                  query.tz === tz ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 hover:bg-slate-50",
                )}
              >
                {tz === "utc" ? "UTC" : `My time (${viewerZone})`}
              </Link>
            ))}
          </div>
        </div>
      </div>
      <form
        role="search"
        aria-label="Filter the calendar"
        action="/calendar"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-3 shadow-sm"
      >
        <input type="hidden" name="view" value={query.view} />
        <input type="hidden" name="date" value={range.anchor} />
        <input type="hidden" name="tz" value={query.tz} />
        <FilterSelect
          id="cal-environment"
          label="Environment"
          name="environment"
          value={query.environment}
          options={[
            ["", "Both"],
            ["production", "Production"],
            ["non-production", "Non-production (QA)"],
          ]}
        />
        <FilterSelect
          id="cal-team"
          label="Team"
          name="team"
          value={query.team}
          options={[["", "All teams"], ...teams.map((t): FilterOption => [t.slug, t.name])]}
        />
        <FilterSelect
          id="cal-group"
          label="Patch group"
          name="group"
          value={query.group}
          options={[
            ["", "All groups"],
            ["1", "Group 1"],
            ["2", "Group 2"],
            ["3", "Group 3"],
          ]}
        />
        <button type="submit" className={buttonClass("primary")}>
          Apply
        </button>
        <ul className="flex w-full flex-wrap items-center gap-x-4 gap-y-2 text-xs text-slate-600 lg:ml-auto lg:w-auto" aria-label="Legend">
          <li className="flex items-center gap-1.5">
            <PartyKindBadge kind="qa" /> QA party
          </li>
          <li className="flex items-center gap-1.5">
            <PartyKindBadge kind="production" /> Production party
          </li>
          <li className="flex items-center gap-1.5">
            <span className="inline-flex items-center rounded-md bg-teal-50 px-2 py-0.5 text-xs font-medium text-teal-800 ring-1 ring-inset ring-teal-600/30">
              Window
            </span>
            Upgrade window
          </li>
          <li className="flex items-center gap-1.5">
            <span className="inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium text-prod ring-2 ring-amber-500">⚠</span> Change not approved
          </li>
          <li className="flex items-center gap-1.5">
            <span className="inline-flex items-center rounded-md bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800">❄</span> Freeze
          </li>
          <li className="flex items-center gap-1.5">
            <span aria-hidden="true">⚡</span> Overlaps an upgrade window
          </li>
          <li>Times in {zone === "UTC" ? "UTC" : `${zone} (${zoneAbbreviation(now, zone)})`}</li>
        </ul>
      </form>
      <Card className="p-3" data-testid={`calendar-${query.view}`}>
        {query.view === "month" ? (
          <MonthGrid title={range.title} weeks={monthCells({ weeks: keptMonthGrid(anchor.year, anchor.month, zone, now), ...marks, compact: false })} />
        ) : query.view === "quarter" ? (
          <div className="grid gap-6 lg:grid-cols-3">
            {quarterGrids(range.anchor, zone, now, keptMonthGrid).map((m) => (
              <MonthGrid key={m.title} title={m.title} weeks={monthCells({ weeks: m.weeks, ...marks, compact: true })} compact />
            ))}
          </div>
        ) : parties.length === 0 ? (
          <EmptyState title="No parties in these six months" />
        ) : (
          <Table caption={`Patch Parties, ${range.title}`}>
            <thead>
              <tr>
                <Th>Party</Th>
                <Th>Day</Th>
                <Th>Slots</Th>
                <Th className="text-right">Resources</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {parties.map((p) => {
                const c = counts.get(partyKey(p));
                return (
                  <tr key={partyKey(p)}>
                    <Td>
                      <Link href={`/parties/${p.tag}/${p.kind}`} className="flex items-center gap-2 font-medium text-indigo-700 hover:underline">
                        <PartyKindBadge kind={p.kind} /> {p.tag}
                      </Link>
                    </Td>
                    <Td className="whitespace-nowrap">{DateTime.fromISO(p.localDate).toFormat("ccc d LLL yyyy")}</Td>
                    <Td>
                      <ul className="space-y-1">
                        {p.slots.map((s) => (
                          <li key={s.group} className="flex items-start gap-2">
                            <Badge>G{s.group}</Badge>
                            <TimeRange start={s.startsAt} end={s.endsAt} viewerZone={zone === "UTC" ? "UTC" : viewerZone} />
                          </li>
                        ))}
                      </ul>
                    </Td>
                    <Td className="text-right tabular-nums">{c ? (c[1] + c[2] + c[3]).toLocaleString("en") : "–"}</Td>
                    <Td>
                      <Badge tone={p.status === "cancelled" ? "danger" : p.endsAt < now ? "neutral" : "info"}>
                        {p.status === "cancelled" ? "cancelled" : p.endsAt < now ? "done" : "planned"}
                      </Badge>
                      {blocked.has(partyKey(p)) ? (
                        <Badge tone="warning" className="ml-1">
                          blocked: change not approved
                        </Badge>
                      ) : null}
                      {clashing.has(partyKey(p)) ? (
                        <Badge tone="warning" className="ml-1">
                          overlaps the upgrade window of {clashing.get(partyKey(p))!.join(" and ")}
                        </Badge>
                      ) : null}
                      {p.status === "planned"
                        ? partyFreezes(p, freezes).map((c) => (
                            <Badge key={c.id} tone="info" className="ml-1">
                              ❄ inside the freeze {c.name}
                            </Badge>
                          ))
                        : null}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </Card>
      {freezes.length ? (
        <Card className="mt-6" aria-labelledby="freezes">
          <CardHeader
            id="freezes"
            title="Freeze periods"
            description={
              <>
                Nothing starts inside them for the servers they hold.{" "}
                <Link href="/freezes" className="text-indigo-700 underline hover:no-underline">
                  All freezes
                </Link>
              </>
            }
          />
          <Table caption="Freeze periods in view">
            <thead>
              <tr>
                <Th>Freeze</Th>
                <Th>When</Th>
                <Th>Why</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-testid="calendar-freezes">
              {freezes.map((f) => (
                <tr key={f.id}>
                  <Td className="font-medium text-sky-900">❄ {f.name}</Td>
                  <Td>
                    <TimeRange start={f.startsAt} end={f.endsAt} viewerZone={zone === "UTC" ? "UTC" : viewerZone} withDate />
                  </Td>
                  <Td className="max-w-xs break-words">{f.reason}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      ) : null}
      {query.view === "agenda" && windows.length ? (
        <Card className="mt-6" aria-labelledby="windows">
          <CardHeader
            id="windows"
            title="Upgrade windows"
            description={`All ${windows.length.toLocaleString("en")} windows in these six months when maintenance policies let fleets be upgraded (UTC schedules).`}
          />
          {/* Every window of the six months the header names (there are hundreds): a client leaf draws them from data (decision 010). */}
          <DataTable
            caption="Upgrade windows"
            testId="agenda-windows"
            columns={[
              { label: "Policy" },
              { label: "Schedule" },
              { label: "Day", nowrap: true },
              { label: "Window (UTC)", nowrap: true },
              ...(zone === "UTC" ? [] : [{ label: "Your time", nowrap: true, muted: true }]),
            ]}
            rows={windows.map((w) => ({
              key: `${w.policyId}-${w.scheduleName}-${w.start.toISOString()}`,
              cells: [
                { href: `/policies/${w.policyId}`, text: w.policyName },
                w.scheduleName,
                DateTime.fromJSDate(w.start, { zone }).toFormat("ccc d LLL yyyy"),
                formatRange(w.start, w.end, "UTC"),
                ...(zone === "UTC" ? [] : [`${formatRange(w.start, w.end, viewerZone)} ${zoneAbbreviation(w.start, viewerZone)}`]),
              ],
            }))}
          />
        </Card>
      ) : null}
      <Card className="mt-6" aria-labelledby="subscribe">
        <CardHeader
          id="subscribe"
          title="Subscribe in your calendar app"
          description="A personal address (iCalendar) that your calendar app refreshes by itself. Anyone with the address sees the schedule: revoke it if it leaks."
        />
        <CardBody>
          <FeedPanel
            origin={env().NEXTAUTH_URL ?? ""}
            feeds={feeds.map((f) => ({
              id: f.id,
              name: f.name,
              prefix: f.prefix,
              revoked: f.revokedAt !== null,
              filters:
                Object.entries(f.filters as Record<string, string>)
                  .map(([k, v]) => (k === "windows" ? "with upgrade windows" : `${k}: ${v}`))
                  .join(", ") || "everything",
            }))}
          />
        </CardBody>
      </Card>
    </>
  );
}
