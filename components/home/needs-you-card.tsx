import Link from "next/link";
import type { NeedsYou } from "@/lib/data/needs-you";
import { formatDate } from "@/lib/format";
import { Card, CardBody, CardHeader } from "../ui/card";

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** What waits for the person signed in: changes to decide, their teams' exclusions and failures. */
export function NeedsYouCard({ needs, zone }: { needs: NeedsYou; zone: string }) {
  const changes = needs.changes && needs.changes.total > 0 ? needs.changes : null;
  const nothing = !changes && needs.teams.length === 0;
  return (
    <Card aria-labelledby="needs-you" className="mb-6" data-testid="needs-you">
      <CardHeader id="needs-you" title="Needs you" />
      <CardBody>
        {nothing ? (
          <p className="text-sm text-slate-500">Nothing waits for you: no change to decide, and nothing of your teams to follow up.</p>
        ) : (
          <div className="grid gap-6 md:grid-cols-2">
            {changes ? (
              <section aria-labelledby="needs-you-changes">
                <h3 id="needs-you-changes" className="text-sm font-semibold text-slate-800">
                  <Link href="/changes?state=SUBMITTED" className="text-indigo-700 underline hover:no-underline">
                    {plural(changes.total, "change waits", "changes wait")} for your decision
                  </Link>
                </h3>
                <ul className="mt-2 space-y-1 text-sm">
                  {changes.items.map((c) => (
                    <li key={c.id} className="min-w-0">
                      <Link href={`/changes/${c.id}`} className="row-link break-words">
                        {c.title}
                      </Link>{" "}
                      <span className="text-xs text-slate-500">from {formatDate(c.plannedStart, zone)}</span>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {needs.teams.length ? (
              <section aria-labelledby="needs-you-teams">
                <h3 id="needs-you-teams" className="text-sm font-semibold text-slate-800">
                  Your teams
                </h3>
                <ul className="mt-2 space-y-2 text-sm">
                  {needs.teams.map((t) => (
                    <li key={t.slug}>
                      <span className="font-medium text-slate-900">{t.name}</span>
                      <ul className="mt-0.5 flex flex-wrap gap-x-4 gap-y-1">
                        {t.excluded ? (
                          <li>
                            <Link href={`/resources?team=${encodeURIComponent(t.slug)}&state=excluded`} className="text-indigo-700 hover:underline">
                              {plural(t.excluded, "resource", "resources")} excluded from the next party
                            </Link>
                          </li>
                        ) : null}
                        {t.failedInParty ? (
                          <li>
                            <Link href={`/resources?team=${encodeURIComponent(t.slug)}&failed=1`} className="text-rose-700 hover:underline">
                              {plural(t.failedInParty, "resource", "resources")} failed the latest party
                            </Link>
                          </li>
                        ) : null}
                        {t.failedInUpgrade ? (
                          <li>
                            <Link href="/templates" className="text-rose-700 hover:underline">
                              {plural(t.failedInUpgrade, "template member", "template members")} failed the latest upgrade
                            </Link>
                          </li>
                        ) : null}
                      </ul>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
