// An Ansible inventory read by Debian's ansible-inventory (ansible-core): a static YAML or INI
// file, or a dynamic inventory plugin's configuration (netbox.yml, aws_ec2.yml, …), written under
// the name the admin gave into a private temporary folder and listed with `--list`. Its JSON
// (`_meta.hostvars`, and per group `hosts` and `children`) becomes hosts with their groups
// (transitively) and variables (group variables merged in, as ansible-inventory gives them).
import "server-only";
import { execFile } from "node:child_process";
import { access, chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SourceHost } from "../domain/inventory";
import type { AnsibleConfig } from "../validation/inventory";

/** Where ansible-inventory is looked for, in order. */
const CANDIDATES = ["/usr/bin/ansible-inventory", "/usr/local/bin/ansible-inventory"];
/** A dynamic plugin may call slow APIs; a static inventory of 100,000 hosts takes ansible-core minutes to parse. */
export const ANSIBLE_TIMEOUT_MS = 15 * 60_000;
/** Its JSON for 100,000 hosts is ~20 MB. */
const MAX_OUTPUT = 512 * 1024 * 1024;

export class SourceReadError extends Error {
  override name = "SourceReadError";
}

export async function ansibleInventoryPath(): Promise<string | null> {
  for (const path of CANDIDATES) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return null;
}

/** `ansible-inventory --list`: each group's `hosts` and `children`, and `_meta.hostvars`. */
type ListOutput = Record<string, { hosts?: unknown; children?: unknown; vars?: unknown; hostvars?: Record<string, Record<string, unknown>> } | undefined>;

/** The hosts of `ansible-inventory --list` output: each with every group it is in, through children, and its variables. */
export function hostsOfList(output: ListOutput): SourceHost[] {
  const parents = new Map<string, string[]>();
  const direct = new Map<string, string[]>();
  const names = new Set<string>();
  for (const [group, body] of Object.entries(output)) {
    if (group === "_meta" || !body || typeof body !== "object") continue;
    for (const child of Array.isArray(body.children) ? body.children : []) {
      if (typeof child !== "string") continue;
      parents.set(child, [...(parents.get(child) ?? []), group]);
    }
    for (const host of Array.isArray(body.hosts) ? body.hosts : []) {
      if (typeof host !== "string") continue;
      names.add(host);
      direct.set(host, [...(direct.get(host) ?? []), group]);
    }
  }
  const hostvars = output._meta?.hostvars ?? {};
  for (const host of Object.keys(hostvars)) names.add(host);
  // A group's ancestors, memoised: 100,000 hosts share a few hundred groups.
  const ancestors = new Map<string, string[]>();
  const up = (group: string, path: Set<string> = new Set()): string[] => {
    const known = ancestors.get(group);
    if (known) return known;
    if (path.has(group)) return [];
    path.add(group);
    const all = new Set<string>([group]);
    for (const parent of parents.get(group) ?? []) for (const g of up(parent, path)) all.add(g);
    const result = [...all];
    ancestors.set(group, result);
    return result;
  };
  const hosts: SourceHost[] = [];
  for (const name of names) {
    const groups = new Set<string>();
    for (const g of direct.get(name) ?? ["ungrouped"]) for (const a of up(g)) groups.add(a);
    groups.delete("all");
    hosts.push({ externalId: name, name, groups: [...groups].sort(), vars: hostvars[name] ?? {} });
  }
  return hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Lists the inventory `config` describes. The file is written 0600 (never executable, so the
 * script plugin never runs it) into a 0700 folder removed afterwards; ansible-inventory runs
 * without a shell, with a minimal environment (no secrets of the portal's), a timeout, and the
 * source's token, if any, as NETBOX_TOKEN and PATCHPARTY_INVENTORY_TOKEN for a plugin to read.
 */
export async function readAnsibleInventory(config: AnsibleConfig, token: string | null): Promise<SourceHost[]> {
  const binary = await ansibleInventoryPath();
  if (!binary) throw new SourceReadError("ansible-inventory is not installed on the server: install Debian's ansible-core (apt-get install ansible-core).");
  const folder = await mkdtemp(join(tmpdir(), "patchparty-inventory-"));
  try {
    await chmod(folder, 0o700);
    const file = join(folder, config.fileName);
    await writeFile(file, config.text, { mode: 0o600 });
    const env: Record<string, string> = {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: folder,
      LANG: "C.UTF-8",
      ANSIBLE_LOCAL_TEMP: join(folder, ".ansible-tmp"),
      ANSIBLE_NOCOLOR: "1",
      ANSIBLE_INVENTORY_UNPARSED_FAILED: "true",
      ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: "true",
      ANSIBLE_DEPRECATION_WARNINGS: "false",
      ANSIBLE_PYTHON_INTERPRETER: "auto_silent",
      ...(token ? { NETBOX_TOKEN: token, PATCHPARTY_INVENTORY_TOKEN: token } : {}),
    };
    const stdout = await new Promise<string>((resolve, reject) => {
      // The folder is a fresh temporary one: nothing of the project for the build to trace.
      execFile(
        /* turbopackIgnore: true */ binary,
        ["-i", file, "--list"],
        { cwd: folder, env: env as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv, timeout: ANSIBLE_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, windowsHide: true },
        (error, out, err) => {
          if (error) {
            const reason = (error as { killed?: boolean }).killed
              ? `did not finish within ${ANSIBLE_TIMEOUT_MS / 60_000} minutes`
              : readableError(String(err), folder, token);
            reject(new SourceReadError(`ansible-inventory could not read ${config.fileName}: ${reason}`));
          } else resolve(out);
        },
      );
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      throw new SourceReadError("ansible-inventory's answer was not JSON.");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new SourceReadError("ansible-inventory's answer was not an inventory.");
    return hostsOfList(parsed as ListOutput);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** ansible-inventory's complaint, short, without the temporary folder's path or the token. */
function readableError(stderr: string, folder: string, token: string | null): string {
  let text = stderr
    .split(folder)
    .join("")
    .replace(/\[WARNING\]:[^\n]*\n?/g, "");
  if (token) text = text.split(token).join("***");
  text = text.replace(/\s+/g, " ").trim();
  return (text || "it failed without saying why").slice(0, 500);
}
