// Pre- and post-hooks (docs/decisions/014-real-execution.md): a template's or the party rule's
// shell command, run on the worker before and after each member by the ssh and ansible executors,
// e.g. to take a server out of its load balancer, snapshot it, or check it from outside.
import "server-only";
import { spawn } from "node:child_process";
import type { UpgradeRequest } from "../domain";

export type HookPhase = "pre" | "post";

export type HookResult = {
  ok: boolean;
  /** null when the hook was stopped (timeout, abort) or killed by a signal. */
  exitStatus: number | null;
  output: string;
  /** One line for the execution's message: "Pre-hook failed (exit 3): no snapshot space left". */
  message: string;
};

export type HookOptions = {
  timeoutSeconds?: number;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
  /** Post-hooks learn how the member's upgrade went (PATCHPARTY_OUTCOME). */
  outcome?: "succeeded" | "failed";
};

export const HOOK_TIMEOUT_SECONDS = 600;
/** After SIGTERM, how long a hook's processes get before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * The worker's environment holds the portal's own secrets; a hook needs none of them (it gets its
 * member from PATCHPARTY_*), and whatever it prints is stored. The ansible executor withholds them from ansible-playbook too.
 */
export const WITHHELD = ["DATABASE_URL", "DATABASE_MIGRATION_URL", "NEXTAUTH_SECRET", "OIDC_CLIENT_SECRET", "PATCHPARTY_WEBHOOK_SECRET", "SMTP_URL"];

const PHASE_LABEL: Record<HookPhase, string> = { pre: "Pre-hook", post: "Post-hook" };

/** What a hook is told about its member, in its environment. */
export function hookVariables(phase: HookPhase, request: UpgradeRequest, outcome?: HookOptions["outcome"]): Record<string, string> {
  const vars: Record<string, string> = {
    PATCHPARTY_PHASE: phase,
    PATCHPARTY_KEY: request.key,
    PATCHPARTY_MEMBER: request.memberName,
    PATCHPARTY_ADDRESS: request.address ?? "",
    PATCHPARTY_PORT: String(request.port ?? 22),
    PATCHPARTY_FROM_VERSION: request.fromVersion,
    PATCHPARTY_TO_VERSION: request.toVersion,
  };
  if (request.party) {
    vars.PATCHPARTY_PARTY_TAG = request.party.tag;
    vars.PATCHPARTY_PARTY_KIND = request.party.kind;
    vars.PATCHPARTY_PARTY_GROUP = String(request.party.group);
  }
  if (request.template) {
    vars.PATCHPARTY_TEMPLATE = request.template.name;
    vars.PATCHPARTY_TEMPLATE_ID = request.template.id;
  }
  if (outcome) vars.PATCHPARTY_OUTCOME = outcome;
  return vars;
}

/** The last few non-empty lines of some output, on one line (for messages). */
export function lastLines(text: string, count = 3, maxLength = 400): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(" / ");
  return lines.length > maxLength ? `…${lines.slice(-maxLength)}` : lines;
}

/**
 * Runs `command` with `sh -c` on the worker, in a process group of its own so that a timeout stops
 * everything it started. Never throws for the hook's own failure: that is `ok: false`.
 */
export function runHook(phase: HookPhase, command: string, request: UpgradeRequest, options: HookOptions = {}): Promise<HookResult> {
  const timeoutSeconds = options.timeoutSeconds ?? HOOK_TIMEOUT_SECONDS;
  const label = PHASE_LABEL[phase];
  const vars = Object.entries(hookVariables(phase, request, options.outcome)).map(([name, value]) => `${name}=${value}`);
  // `env` passes the worker's environment on, minus the withheld variables, plus the member's.
  const args = [...WITHHELD.flatMap((name) => ["-u", name]), ...vars, "/bin/sh", "-c", command];

  return new Promise((resolve) => {
    let output = "";
    let stopped: string | null = null;
    const append = (text: string) => {
      output += text;
      options.onOutput?.(text);
    };

    let child: ReturnType<typeof spawn>;
    try {
      child = spawn("env", args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      resolve({ ok: false, exitStatus: null, output: "", message: `${label} could not start: ${reason}` });
      return;
    }

    const stop = (why: string) => {
      if (stopped || child.exitCode !== null || child.pid === undefined) return;
      stopped = why;
      append(`\n[${label} ${why}: stopped]\n`);
      const group = -child.pid;
      try {
        process.kill(group, "SIGTERM");
      } catch {
        return;
      }
      setTimeout(() => {
        try {
          process.kill(group, "SIGKILL");
        } catch {
          // Already gone.
        }
      }, KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop(`timed out after ${timeoutSeconds} s`), timeoutSeconds * 1000);
    const onAbort = () =>
      stop(
        `aborted${options.signal?.reason instanceof Error ? ` (${options.signal.reason.message})` : typeof options.signal?.reason === "string" ? ` (${options.signal.reason})` : ""}`,
      );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout?.setEncoding("utf8").on("data", append);
    child.stderr?.setEncoding("utf8").on("data", append);

    const finish = (exitStatus: number | null, failure: string | null) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      const ok = exitStatus === 0 && !stopped && !failure;
      const why = failure ?? stopped ?? `failed (exit ${exitStatus ?? "by signal"})`;
      const detail = lastLines(output.replace(/\n\[(Pre|Post)-hook [^\]]*\]\n/g, "\n"));
      resolve({
        ok,
        exitStatus,
        output,
        message: ok ? `${label} passed.` : `${label} ${why}${detail ? `: ${detail}` : "."}`,
      });
    };
    child.on("error", (error) => finish(null, `could not start: ${error.message}`));
    child.on("close", (code) => finish(code, null));
  });
}
