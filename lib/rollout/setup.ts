// What each executor needs from the environment, and whether this installation has it: start-up
// says it for the active executor, /admin/execution for all of them. Never shows a secret.
import "server-only";
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { promisify } from "node:util";
import { env, type Env } from "../env";
import { EXECUTOR_NAMES, type ExecutorName } from "../domain";
import type { DefaultExecutor } from "../domain";
import { playbookPath } from "./ansible";

export type SetupCheck = { what: string; ok: boolean; detail: string };
export type ExecutorSetup = { name: ExecutorName; checks: SetupCheck[]; ready: boolean };

async function readable(file: string): Promise<string | null> {
  try {
    await access(file, constants.R_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not readable by this process";
  }
}

async function fileCheck(what: string, variable: string, file: string | undefined): Promise<SetupCheck> {
  if (!file) return { what, ok: false, detail: `${variable} is not set` };
  const problem = await readable(file);
  return problem ? { what, ok: false, detail: `${variable}=${file}: ${problem}` } : { what, ok: true, detail: `${variable}=${file}` };
}

/** Where a command is on PATH, asked of the shell (the one place that reads the environment stays lib/env.ts). */
async function onPath(command: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)("/bin/sh", ["-c", `command -v ${command}`], { timeout: 5_000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** A webhook URL as it may be shown: no user, password or query string (tokens travel there). */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search ? "?…" : ""}`;
}

async function checksOf(name: ExecutorName, e: Env): Promise<SetupCheck[]> {
  switch (name) {
    case "manual":
    case "simulated":
      return [];
    case "ssh":
      return Promise.all([
        fileCheck("Private key file", "PATCHPARTY_SSH_KEY_FILE", e.PATCHPARTY_SSH_KEY_FILE),
        fileCheck("Known hosts file", "PATCHPARTY_SSH_KNOWN_HOSTS", e.PATCHPARTY_SSH_KNOWN_HOSTS),
      ]);
    case "ansible": {
      // Unset, the playbook shipped with PatchParty (ansible/patch.yml) is used.
      const playbookFile = e.PATCHPARTY_ANSIBLE_PLAYBOOK ?? playbookPath(e);
      const [found, playbook] = await Promise.all([onPath("ansible-playbook"), fileCheck("Playbook", "PATCHPARTY_ANSIBLE_PLAYBOOK", playbookFile)]);
      const shown = e.PATCHPARTY_ANSIBLE_PLAYBOOK
        ? playbook
        : { ...playbook, detail: playbook.ok ? `${playbookFile} (the default: PATCHPARTY_ANSIBLE_PLAYBOOK is not set)` : playbook.detail };
      return [{ what: "ansible-playbook", ok: found !== null, detail: found ?? "not found on PATH (Debian: apt install ansible-core ansible)" }, shown];
    }
    case "webhook":
      return [
        {
          what: "URL",
          ok: Boolean(e.PATCHPARTY_WEBHOOK_URL),
          detail: e.PATCHPARTY_WEBHOOK_URL ? displayUrl(e.PATCHPARTY_WEBHOOK_URL) : "PATCHPARTY_WEBHOOK_URL is not set",
        },
        {
          what: "Signing secret",
          ok: Boolean(e.PATCHPARTY_WEBHOOK_SECRET),
          detail: e.PATCHPARTY_WEBHOOK_SECRET ? "PATCHPARTY_WEBHOOK_SECRET is set" : "PATCHPARTY_WEBHOOK_SECRET is not set",
        },
      ];
  }
}

export async function executorSetup(name: ExecutorName, e: Env = env()): Promise<ExecutorSetup> {
  const checks = await checksOf(name, e);
  return { name, checks, ready: checks.every((c) => c.ok) };
}

export function listExecutorSetups(e: Env = env()): Promise<ExecutorSetup[]> {
  return Promise.all(EXECUTOR_NAMES.map((name) => executorSetup(name, e)));
}

/** What `npm start` and `npm run worker` print about execution. */
export function executorStartupLines(active: DefaultExecutor, demoData: boolean, setup: ExecutorSetup): string[] {
  const lines = [`Executor: ${active.name} (${active.why === "PATCHPARTY_EXECUTOR" ? "set by PATCHPARTY_EXECUTOR" : active.why}).`];
  for (const check of setup.checks.filter((c) => !c.ok)) lines.push(`  Not ready: ${check.what}: ${check.detail}.`);
  const simulated = active.name === "simulated";
  if (demoData)
    lines.push(
      simulated
        ? "The database holds the demo data: outcomes are simulated, no server is patched."
        : "The database holds the demo data: its past outcomes are made up.",
    );
  else if (simulated) lines.push("Outcomes are simulated: no server is patched.");
  return lines;
}
