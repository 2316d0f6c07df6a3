// A template's current (or last) run, member by member: counts by state, a page of members, and
// the manual outcome controls for the people who may record them.
import type { ExecutionRow, StateCounts } from "@/lib/data/execution-rows";
import type { ExecutionState } from "@/lib/data/executions";
import { ExecutionsPanel } from "./executions-panel";

type Props = {
  templateId: string;
  run: { version: string; state: string };
  state: ExecutionState | null;
  after: string | null;
  counts: StateCounts;
  rows: ExecutionRow[];
  next: string | null;
  viewerZone: string;
  reportable: string[];
  mayRecord: boolean;
  csvMaxBytes: number;
};

export function RunExecutionsPanel(p: Props) {
  const href = (change: { state?: ExecutionState | null; after?: string | null }) => {
    const q = new URLSearchParams();
    const state = change.state === undefined ? p.state : change.state;
    if (state) q.set("exec", state.toLowerCase());
    if (change.after) q.set("execFrom", change.after);
    const text = q.toString();
    return `/templates/${p.templateId}${text ? `?${text}` : ""}#executions`;
  };
  const first = p.rows[0]?.memberName ?? "prod-payments-cn-c1";
  return (
    <ExecutionsPanel
      id="executions"
      testId="run-executions"
      title={`The ${p.run.state === "RUNNING" || p.run.state === "HALTED" ? "current" : "last"} run, per member`}
      description={`The upgrade to ${p.run.version}: each member as its executor recorded it — state, times, packages, reboot, health check and output.`}
      counts={p.counts}
      state={p.state}
      rows={p.rows}
      stateHref={(s) => href({ state: s, after: null })}
      firstHref={p.after ? href({ after: null }) : null}
      nextHref={p.next ? href({ after: p.next }) : null}
      viewerZone={p.viewerZone}
      reportable={p.reportable}
      target={p.mayRecord ? { scope: "template", templateId: p.templateId } : null}
      csvExample={`member,state,message\n${first},patched,\nanother-member,failed,"Node did not come back after the reboot"`}
      csvMaxBytes={p.csvMaxBytes}
    />
  );
}
