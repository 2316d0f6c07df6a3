// A party's executions, one slot at a time: which slot (those with a run), its counts by state,
// a page of its members, and the manual outcome controls for the people who may record them.
import Link from "next/link";
import type { StateCounts } from "@/lib/data/execution-rows";
import type { ExecutionState } from "@/lib/data/executions";
import { cx } from "../ui/cx";
import { ExecutionsPanel, type ExecutionsPage } from "./executions-panel";
import { withQuery } from "@/lib/url";

type Props = ExecutionsPage & {
  /** The party page's path: /parties/<tag>/<kind>. */
  base: string;
  tag: string;
  kind: "qa" | "production";
  /** The slots that have a run, by group. */
  groups: number[];
  group: number;
  counts: Map<number, StateCounts>;
};

export function SlotExecutionsPanel(p: Props) {
  const href = (change: { group?: number; state?: ExecutionState | null; after?: string | null }) => {
    const state = change.state === undefined ? p.state : change.state;
    return withQuery(p.base, { slot: change.group ?? p.group, state: state?.toLowerCase(), from: change.after }, "#executions");
  };
  const total = (g: number) => Object.values(p.counts.get(g) ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  const first = p.rows[0]?.memberName ?? "web-01";
  return (
    <ExecutionsPanel
      id="executions"
      testId="slot-executions"
      title="What the rollout did, per member"
      description="Each member's upgrade as its executor recorded it: state, times, packages, reboot, health check and output."
      picker={
        p.groups.length > 1 ? (
          <nav aria-label="Slot" className="flex flex-wrap gap-1">
            {p.groups.map((g) => (
              <Link
                key={g}
                href={href({ group: g, state: null, after: null })}
                aria-current={g === p.group ? "page" : undefined}
                className={cx(
                  "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
                  g === p.group ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100",
                )}
              >
                Group {g} <span className="tabular-nums opacity-80">({total(g).toLocaleString("en")})</span>
              </Link>
            ))}
          </nav>
        ) : (
          <p className="text-sm font-medium text-slate-800">Group {p.group}</p>
        )
      }
      counts={p.counts.get(p.group) ?? {}}
      page={p}
      href={href}
      target={{ scope: "slot", tag: p.tag, kind: p.kind, group: String(p.group) }}
      csvExample={`member,state,message\n${first},patched,\n${first === "web-01" ? "web-02" : "another-member"},failed,"Disk full: the package manager could not unpack"`}
    />
  );
}
