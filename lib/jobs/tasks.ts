// The scheduled work, run by graphile-worker (docs/decisions/005-job-runner.md). Tasks read the
// clock here, at the edge, and hand `now` to the data layer.
import "server-only";
import type { TaskList } from "graphile-worker";
import { expireExclusions } from "../data/exclusion-expiry";
import { generateParties, PARTY_HORIZON_DAYS } from "../data/parties";
import { SCHEDULER } from "../data/audit";
import { env } from "../env";
import { tick } from "../rollout/engine";
import { tickParties } from "../rollout/party-engine";
import { executorsFromEnv } from "../rollout/executors";
import { deliverWebhook } from "../rollout/webhook";
import { runSshExecution } from "../rollout/ssh";
import { runAnsibleExecutions } from "../rollout/ansible";
import { planExclusionReminders } from "../data/exclusion-report";
import { deliverNotices, planNotices, planTemplateNotices } from "../data/notifications";
import { mailTransportFromEnv } from "../notify/mailer";
import { deliverEventWebhooks, DELIVER_TASK } from "../data/webhooks";
import { planScans } from "../data/update-scans";
import { runUpdateScan } from "../rollout/update-scan";
import { runDueSyncs } from "../data/inventory";
import { reconcileAllQueryTemplates } from "../data/template-members";

const DAY = 86_400_000;

export const taskList: TaskList = {
  async expire_exclusions(_payload, helpers) {
    const names = await expireExclusions(new Date());
    if (names.length) helpers.logger.info(`Included ${names.length} resource(s) whose exclusion expired`);
  },
  async generate_parties() {
    const now = new Date();
    await generateParties(now, new Date(now.getTime() + PARTY_HORIZON_DAYS * DAY), now, SCHEDULER);
  },
  /** Records the customer notices due now and sends what is pending (SMTP_URL). */
  async send_notices(_payload, helpers) {
    const now = new Date();
    const planned = (await planNotices(now)) + (await planTemplateNotices(now)) + (await planExclusionReminders(now));
    const sent = await deliverNotices(now, mailTransportFromEnv(), env().SMTP_FROM);
    if (planned || sent.sent || sent.failed || sent.retrying)
      helpers.logger.info(`Notices: ${planned} recorded, ${sent.sent} sent, ${sent.retrying} to retry, ${sent.failed} failed`);
  },
  /** One member's upgrade handed to the team's automation; a failed try throws, and the job runner tries again later. */
  async deliver_webhook(payload, helpers) {
    const key = (payload as { key?: unknown } | null)?.key;
    if (typeof key !== "string") throw new Error("deliver_webhook: the payload names no execution key");
    await deliverWebhook(key, helpers.job.attempts, helpers.job.max_attempts);
  },
  /** Event webhooks (lib/data/webhooks.ts): sends what is due, and comes back when the next retry is. */
  async deliver_event_webhooks(_payload, helpers) {
    const now = new Date();
    const r = await deliverEventWebhooks(now);
    if (r.delivered || r.retrying || r.failed || r.paused)
      helpers.logger.info(`Webhooks: ${r.delivered} delivered, ${r.retrying} to retry, ${r.failed} failed, ${r.paused} endpoint(s) paused`);
    if (r.nextDueAt) {
      const runAt = new Date(Math.max(r.nextDueAt.getTime(), now.getTime() + 1000));
      await helpers.addJob(DELIVER_TASK, {}, { jobKey: DELIVER_TASK, runAt });
    }
  },
  /** One member's upgrade over SSH (lib/rollout/ssh.ts); never retried (max_attempts 1). */
  async execute_ssh(payload) {
    const key = (payload as { key?: unknown } | null)?.key;
    if (typeof key !== "string") throw new Error("execute_ssh: the payload names no execution key");
    await runSshExecution(key);
  },
  /** One batch's upgrades through ansible-playbook (lib/rollout/ansible.ts); never retried (max_attempts 1). */
  async execute_ansible(payload) {
    const keys = (payload as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === "string")) throw new Error("execute_ansible: the payload names no execution keys");
    await runAnsibleExecutions(keys);
  },
  /** Queues the update scans due (daily per server, and in the day before its party). */
  async plan_update_scans(_payload, helpers) {
    const queued = await planScans(new Date());
    if (queued) helpers.logger.info(`Update scans: ${queued} queued`);
  },
  /** One server's update scan (lib/rollout/update-scan.ts); never retried: the next plan asks again. */
  async scan_updates(payload, helpers) {
    const resourceId = (payload as { resourceId?: unknown } | null)?.resourceId;
    if (typeof resourceId !== "string") throw new Error("scan_updates: the payload names no resource");
    const result = await runUpdateScan(resourceId);
    if (result === "failed") helpers.logger.info(`Update scan of ${resourceId} failed (shown on its page)`);
  },
  /** Templates' query members in line with the fleet (decision 022): the safety net behind the calls after each resource write. */
  async reconcile_template_members(_payload, helpers) {
    const r = await reconcileAllQueryTemplates(new Date());
    if (r.joined || r.left || r.refused)
      helpers.logger.info(`Member queries: ${r.joined} joined, ${r.left} left, ${r.refused} refused over ${r.templates} template(s)`);
  },
  /** Inventory sources whose scheduled sync is due (decision 021): autoApply applies, else a preview waits for a person. */
  async sync_inventories(_payload, helpers) {
    for (const r of await runDueSyncs(new Date(), SCHEDULER)) helpers.logger.info(`Inventory source "${r.source}": sync ${r.state.toLowerCase()}`);
  },
  /** Advances every template's rollout; while one runs, ticks again in a few seconds. */
  async rollout_tick(_payload, helpers) {
    const now = new Date();
    const executor = await executorsFromEnv();
    const results = await tick(now, executor);
    // Party slots patch through the executor too, unless this deployment leaves patching to people.
    const slots = env().PATCHPARTY_PARTY_ROLLOUTS === "on" ? await tickParties(now, executor) : [];
    for (const r of slots.filter((s) => s.started || s.patched || s.failed || s.halted)) {
      helpers.logger.info(
        `Party slot ${r.partyId}/${r.group}: ${r.started} started, ${r.patched} patched, ${r.failed} failed (${r.state})${r.halted ? `: ${r.halted}` : ""}`,
      );
    }
    const moved = results.filter((r) => r.started || r.succeeded || r.failed || r.runOpened || r.runClosed);
    for (const r of moved) {
      helpers.logger.info(
        `Template "${r.templateName ?? r.templateId}": ${r.started} started, ${r.succeeded} upgraded, ${r.failed} failed${r.runClosed ? `, run ${r.runClosed.toLowerCase()}` : ""} (${r.state})`,
      );
    }
    if (results.some((r) => r.state === "UPGRADING" || r.skipped) || slots.some((s) => s.state === "RUNNING" || s.skipped)) {
      await helpers.addJob("rollout_tick", {}, { jobKey: "rollout_tick", runAt: new Date(now.getTime() + env().PATCHPARTY_ROLLOUT_TICK_SECONDS * 1000) });
    }
  },
};

/**
 * Minute, hour, day, month, weekday (UTC), task. graphile-worker runs each once per slot
 * however many workers there are, and backfills a slot missed while all workers were down.
 */
export const crontab = [
  "* * * * * expire_exclusions ?fill=1h",
  "17 3 * * * generate_parties ?fill=2d",
  "* * * * * rollout_tick",
  "* * * * * send_notices",
  // Deliveries are asked for as they are recorded; the minute's run is the safety net.
  "* * * * * deliver_event_webhooks",
  "41 * * * * plan_update_scans",
  "* * * * * sync_inventories",
  "*/5 * * * * reconcile_template_members",
].join("\n");
