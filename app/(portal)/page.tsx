import type { Metadata } from "next";
import { NeedsYouCard } from "@/components/home/needs-you-card";
import { NextPartyCard } from "@/components/parties/next-party-card";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getFleetSummary, getLastCompletedParty, getOutcomeCounts } from "@/lib/data/fleet";
import { freezesAfter } from "@/lib/data/freezes";
import { needsYou } from "@/lib/data/needs-you";
import { getNextParties } from "@/lib/data/parties";
import { partyFreezes, type CalendarParty } from "@/lib/domain";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Home" };

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</p>
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
    </Card>
  );
}

export default async function HomePage() {
  const user = await requireUser();
  const now = new Date();
  const teams = readableTeams(user);
  // An owner's figures are of their teams' servers (issue 21): the headings say so.
  const whose = teams ? "your teams' servers" : "the fleet";
  const [next, fleet, last, zone, freezes, needs] = await Promise.all([
    getNextParties(now, teams),
    getFleetSummary(teams),
    getLastCompletedParty(now),
    viewerTimeZone(),
    freezesAfter(now),
    needsYou(user),
  ]);
  const frozen = (party: CalendarParty | undefined) => (party ? partyFreezes(party, freezes) : []);
  const outcomes = last ? await getOutcomeCounts(last, teams) : null;
  const attempted = outcomes ? outcomes.PATCHED + outcomes.FAILED : 0;
  return (
    <>
      <PageHeader title={`Welcome, ${user.name.split(" ")[0]}`} description="The next Patch Parties and how many resources take part in each group slot." />
      <NeedsYouCard needs={needs} zone={zone} />
      <div className="grid gap-6 lg:grid-cols-2">
        <NextPartyCard kind="qa" next={next.qa} now={now} viewerZone={zone} freezes={frozen(next.qa?.party)} />
        <NextPartyCard kind="production" next={next.production} now={now} viewerZone={zone} freezes={frozen(next.production?.party)} />
      </div>
      <h2 className="mb-3 mt-10 text-sm font-semibold uppercase tracking-wide text-slate-500">{teams ? "Your teams' servers" : "Fleet"}</h2>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="Resources"
          value={fleet.total.toLocaleString("en")}
          hint={`${fleet.production.toLocaleString("en")} production · ${fleet.nonProduction.toLocaleString("en")} non-production`}
        />
        <Stat
          label="Excluded from patching"
          value={fleet.excluded.toLocaleString("en")}
          hint={fleet.total ? `${((fleet.excluded / fleet.total) * 100).toFixed(1)}% of ${whose}` : undefined}
        />
        <Stat
          label={last ? `Last party (${last.tag} ${last.kind === "QA" ? "QA" : "production"})` : "Last party"}
          value={outcomes && attempted ? `${((outcomes.PATCHED / attempted) * 100).toFixed(1)}%` : "–"}
          hint={
            outcomes ? `${outcomes.PATCHED.toLocaleString("en")} patched · ${outcomes.FAILED} failed · ${outcomes.SKIPPED} skipped` : "No party has run yet"
          }
        />
        <Stat label="Your time zone" value={zone} hint="Times show in UTC and in this zone" />
      </div>
    </>
  );
}
