// The webhook executor's delivery (docs/decisions/014-real-execution.md): the graphile-worker job
// `deliver_webhook` POSTs one member's upgrade to the team's automation (AWX, Semaphore, Rundeck,
// Jenkins or its own), signed as the Standard Webhooks specification says. The automation
// reports back through POST /api/v1/executions/{key}. A failed try throws, so the job runner
// tries again with its back-off; the last one records the failure on the execution.
import "server-only";
import { Webhook } from "standardwebhooks";
import { getExecution, lateStart, reportExecution, type ExecutionSummary } from "../data/executions";
import { testedPackages } from "../data/tested-sets";
import { execute, qb } from "../db";
import { redact } from "../domain/redact";
import { env, type Env } from "../env";

/** How long one try waits for the receiver's answer. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

export type UpgradeStartPayload = {
  type: "upgrade.start";
  key: string;
  member: string;
  address: string | null;
  fromVersion: string;
  toVersion: string;
  party: { tag: string; kind: "qa" | "production"; group: number } | null;
  template: { id: string; name: string } | null;
  deadline: string;
  reportUrl: string;
  /** A production member: install only these versions, what QA tested for its release (decision 020). */
  install?: { tag: string; release: string; packages: { name: string; version: string }[] };
};

/** Where the automation reports: the portal's public address (NEXTAUTH_URL), else this host. */
export function reportUrl(key: string, e: Pick<Env, "NEXTAUTH_URL" | "PORT"> = env()): string {
  const base = (e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return `${base}/api/v1/executions/${encodeURIComponent(key)}`;
}

export function upgradeStartPayload(execution: ExecutionSummary, e: Pick<Env, "NEXTAUTH_URL" | "PORT"> = env()): UpgradeStartPayload {
  return {
    type: "upgrade.start",
    key: execution.key,
    member: execution.memberName,
    address: execution.address,
    fromVersion: execution.fromVersion,
    toVersion: execution.toVersion,
    party: execution.party,
    template: execution.template,
    deadline: execution.deadline.toISOString(),
    reportUrl: reportUrl(execution.key, e),
  };
}

/**
 * The body of the `deliver_webhook` job for one execution, on its `attempt`-th try of
 * `maxAttempts`. Only a queued execution is delivered: one that has finished, or that its
 * automation already reported running, was received. The `webhook-id` is the execution's id,
 * the same on every try, so the receiver can tell a retry from a new upgrade.
 */
export async function deliverWebhook(key: string, attempt: number, maxAttempts: number): Promise<void> {
  const e = env();
  const execution = await getExecution(key, null);
  if (!execution || execution.state !== "QUEUED") return;
  const fail = (message: string) => reportExecution(key, { state: "failed", message }, "webhook", new Date());
  if (!e.PATCHPARTY_WEBHOOK_URL || !e.PATCHPARTY_WEBHOOK_SECRET) {
    await fail("The webhook executor is not configured: set PATCHPARTY_WEBHOOK_URL and PATCHPARTY_WEBHOOK_SECRET. Nothing was sent.");
    return;
  }
  const late = await lateStart(key, new Date());
  if (late) {
    await reportExecution(key, { state: "skipped", message: `${late} Nothing was sent.` }, "webhook", new Date());
    return;
  }
  if (execution.deadline <= new Date()) {
    await fail(`The webhook was not delivered before the member's deadline (${execution.deadline.toISOString()}); nothing was started.`);
    return;
  }

  const [row] = await execute(qb.selectFrom("Execution").select("request").where("key", "=", key));
  const install = row?.request.install ?? null;
  const payload: UpgradeStartPayload = {
    ...upgradeStartPayload(execution, e),
    ...(install ? { install: { ...install, packages: await testedPackages(install.tag, install.release) } } : {}),
  };
  const body = JSON.stringify(payload);
  const timestamp = new Date();
  const headers = {
    "content-type": "application/json",
    "user-agent": "PatchParty",
    "webhook-id": execution.id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(e.PATCHPARTY_WEBHOOK_SECRET).sign(execution.id, timestamp, body),
  };
  const failure = await post(e.PATCHPARTY_WEBHOOK_URL, headers, body);
  if (failure === null) return;
  const why = redact(failure, [e.PATCHPARTY_WEBHOOK_SECRET]);
  if (attempt >= maxAttempts) {
    await fail(`The webhook could not be delivered after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${why}`);
    return;
  }
  throw new Error(`Webhook for ${key} not delivered (attempt ${attempt} of ${maxAttempts}): ${why}`);
}

/** One try: null when the receiver took it (2xx), else what went wrong, in words. */
async function post(url: string, headers: Record<string, string>, body: string): Promise<string | null> {
  try {
    // A redirect is answered as a failure: following it would turn the POST into a GET or send the signed body elsewhere.
    const response = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    if (response.ok) {
      await response.body?.cancel();
      return null;
    }
    const text = (await response.text().catch(() => "")).trim().replace(/\s+/g, " ");
    return `the receiver answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${text ? `: ${text.slice(0, 300)}` : ""}`;
  } catch (error) {
    if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `the request failed (${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
  }
}
