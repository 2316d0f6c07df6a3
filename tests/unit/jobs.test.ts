import { parseCrontab } from "graphile-worker";
import { expect, it } from "vitest";
import { crontab, taskList } from "@/lib/jobs/tasks";

it("schedules every task it names, and only tasks that exist", () => {
  const items = parseCrontab(crontab);
  expect(items.map((i) => i.task).sort()).toEqual([
    "deliver_event_webhooks",
    "expire_exclusions",
    "generate_parties",
    "plan_update_scans",
    "reconcile_template_members",
    "rollout_tick",
    "send_notices",
    "sync_inventories",
  ]);
  for (const item of items) expect(taskList[item.task]).toBeTypeOf("function");
});
