// A template's current (or last) run, member by member: counts by state, a page of members, and
// the manual outcome controls for the people who may record them.
import type { StateCounts } from "@/lib/data/execution-rows";
import type { ExecutionState } from "@/lib/data/executions";
import { ExecutionsPanel, type ExecutionsPage } from "./executions-panel";
import { withQuery } from "@/lib/url";

type Props = ExecutionsPage & {
  templateId: string;
  run: { version: string; state: string };
  counts: StateCounts;
};

export function RunExecutionsPanel(p: Props) {
  const href = (change: { state?: ExecutionState | null; after?: string | null }) => {
    const state = change.state === undefined ? p.state : change.state;
    return withQuery(`/templates/${p.templateId}`, { exec: state?.toLowerCase(), execFrom: change.after }, "#executions");
  };
  const first = p.rows[0]?.memberName ?? "prod-payments-cn-c1";
  return (
    <ExecutionsPanel
      id="executions"
      testId="run-executions"
      title={`The ${p.run.state === "RUNNING" || p.run.state === "HALTED" ? "current" : "last"} run, per member`}
      description={`The upgrade to ${p.run.version}: each member as its executor recorded it — state, times, packages, reboot, health check and output.`}
      counts={p.counts}
      page={p}
      href={href}
      target={{ scope: "template", templateId: p.templateId }}
      csvExample={`member,state,message\n${first},patched,\nanother-member,failed,"Node did not come back after the reboot"`}
    />
  );
}
