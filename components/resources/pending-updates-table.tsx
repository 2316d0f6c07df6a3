"use client";
// A server's pending updates: a table on wide screens, a list of small blocks on a phone (the same
// rows, restyled below `sm`). A client leaf drawn from data, as long lists are (decision 010): a
// server can have hundreds pending.
import { Fragment } from "react";
import { Badge, type Tone } from "../ui/badge";

export type PendingUpdateRow = {
  package: string;
  installed: string | null;
  candidate: string;
  /** "Critical", "High", …, "Security" (a security update the package manager does not rate), or null. */
  rating: string | null;
  tone: Tone;
  advisories: string[];
  firstSeen: string;
  firstSeenIso: string;
};

/** More ids than this show as "+N more" (all of them in the title). */
const ADVISORIES_SHOWN = 4;

const head = "whitespace-nowrap bg-slate-50 px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
const cell = "block sm:table-cell sm:px-4 sm:py-2.5 sm:align-top";

export function PendingUpdatesTable({ rows }: { rows: PendingUpdateRow[] }) {
  return (
    // Focusable, so that a version too long for the card scrolls by keyboard too (as components/ui/table.tsx).
    <div tabIndex={0} className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600">
      <table className="w-full text-sm text-slate-700" data-testid="pending-updates">
        <caption className="sr-only">Pending updates, security first</caption>
        <thead className="hidden sm:table-header-group">
          <tr>
            <th scope="col" className={head}>
              Package
            </th>
            <th scope="col" className={head}>
              Installed → candidate
            </th>
            <th scope="col" className={head}>
              Security
            </th>
            <th scope="col" className={head}>
              Advisories
            </th>
            <th scope="col" className={head}>
              First seen
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.package} className="block space-y-1 px-5 py-3 sm:table-row sm:space-y-0 sm:p-0">
              <td className={`${cell} font-mono text-xs font-semibold text-slate-900 [overflow-wrap:anywhere] sm:min-w-36`}>{r.package}</td>
              <td className={`${cell} font-mono text-xs [overflow-wrap:anywhere] sm:whitespace-nowrap`}>
                <span className="sm:block">{r.installed ?? <span className="font-sans italic text-slate-500">not installed</span>}</span>
                <span className="sm:block">
                  <span aria-hidden="true" className="px-1 text-slate-400 sm:pl-0">
                    →
                  </span>
                  <span className="sr-only"> to </span>
                  <span className="text-slate-900">{r.candidate}</span>
                </span>
              </td>
              <td className={`${cell} inline-block sm:table-cell`}>
                {r.rating ? <Badge tone={r.tone}>{r.rating}</Badge> : <span className="hidden text-slate-500 sm:inline">–</span>}
              </td>
              <td className={`${cell} font-mono text-xs`} title={r.advisories.length > ADVISORIES_SHOWN ? r.advisories.join(", ") : undefined}>
                {r.advisories.length === 0 ? (
                  <span className="hidden text-slate-500 sm:inline">–</span>
                ) : (
                  <>
                    {r.advisories.slice(0, ADVISORIES_SHOWN).map((id, i) => (
                      // A line breaks between ids, not at an id's own hyphens.
                      <Fragment key={i}>
                        {i > 0 ? ", " : null}
                        <span className="whitespace-nowrap">{id}</span>
                      </Fragment>
                    ))}
                    {r.advisories.length > ADVISORIES_SHOWN ? (
                      <span className="font-sans text-slate-500"> +{r.advisories.length - ADVISORIES_SHOWN} more</span>
                    ) : null}
                  </>
                )}
              </td>
              <td className={`${cell} whitespace-nowrap text-xs text-slate-500 sm:text-sm sm:text-slate-700`}>
                <span className="sm:hidden">First seen </span>
                <time dateTime={r.firstSeenIso}>{r.firstSeen}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
