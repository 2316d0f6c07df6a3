// Reading what package managers say is pending (issue 20, decision 020): the update scan's script
// (lib/rollout/ssh.ts `scanScript`) prints each manager's own listing between marker lines, and
// these turn them into an UpdateReport. Pure, so each format is unit-tested with real samples.
import "server-only";
import { severityOf, type PendingUpdateReport, type Severity } from "../domain/updates";

const CVE = /\bCVE-\d{4}-\d{4,}\b/g;

/**
 * `apt-get -s dist-upgrade` (LC_ALL=C): one `Inst <pkg> [<installed>] (<candidate> <origins> [<arch>])`
 * per package it would install; no `[installed]` for a new one. A package from a `…-security` suite
 * (Debian-Security, Ubuntu's -security pockets) is a security update; apt gives no severity.
 */
export function parseAptSimulation(text: string): PendingUpdateReport[] {
  const updates: PendingUpdateReport[] = [];
  for (const line of text.split("\n")) {
    const m = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+) (.*?)(?: \[[^\]]*\])?\)/.exec(line.trim());
    if (!m) continue;
    const [, name, installed, candidate, origins] = m as unknown as [string, string, string | undefined, string, string];
    updates.push({
      package: name,
      installed: installed || null,
      candidate,
      security: /security/i.test(origins),
      severity: null,
      advisories: [],
    });
  }
  return updates;
}

/** rpm's architectures, cut from `name.arch` and NEVRAs. */
const ARCH = /\.(x86_64|aarch64|i686|i386|noarch|ppc64le|s390x|armv7hl|src)$/;

/** `name-[epoch:]version-release.arch` → name and `[epoch:]version-release`. */
function splitNevra(nevra: string): { name: string; version: string } | null {
  const bare = nevra.replace(ARCH, "");
  const m = /^(.+)-((?:\d+:)?[^-]+-[^-]+)$/.exec(bare);
  return m ? { name: m[1]!, version: m[2]! } : null;
}

/**
 * dnf/yum: `list --upgrades` (`name.arch  version  repo`), with `updateinfo list --updates`
 * (`<advisory>  <Severity>/Sec.  <nevra>`, or `<advisory> bugfix <nevra>`) for security and
 * severity, and the installed versions from `rpm -qa` (name → version).
 */
export function parseDnf(upgrades: string, updateinfo: string, installed: Map<string, string>): PendingUpdateReport[] {
  const info = new Map<string, { security: boolean; severity: Severity | null; advisories: Set<string> }>();
  for (const line of updateinfo.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) continue;
    const [advisory, type, nevra] = fields as [string, string, string];
    const parsed = splitNevra(nevra);
    if (!parsed) continue;
    const entry = info.get(parsed.name) ?? { security: false, severity: null, advisories: new Set<string>() };
    entry.advisories.add(advisory);
    for (const cve of line.match(CVE) ?? []) entry.advisories.add(cve);
    if (/sec/i.test(type)) {
      entry.security = true;
      const severity = severityOf(type.split("/")[0]);
      if (severity && (!entry.severity || rank(severity) < rank(entry.severity))) entry.severity = severity;
    }
    info.set(parsed.name, entry);
  }
  const updates: PendingUpdateReport[] = [];
  for (const line of upgrades.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || !ARCH.test(fields[0]!)) continue;
    const name = fields[0]!.replace(ARCH, "");
    if (updates.some((u) => u.package === name)) continue;
    const entry = info.get(name);
    updates.push({
      package: name,
      installed: installed.get(name) ?? null,
      candidate: fields[1]!,
      security: entry?.security ?? false,
      severity: entry?.severity ?? null,
      advisories: entry ? [...entry.advisories].sort() : [],
    });
  }
  return updates;
}

const rank = (s: Severity) => ["critical", "high", "medium", "low"].indexOf(s);

/** `zypper --quiet list-updates`: a table `S | Repository | Name | Current Version | Available Version | Arch`. */
export function parseZypper(text: string): PendingUpdateReport[] {
  const updates: PendingUpdateReport[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 6 || cells[0] !== "v") continue;
    const [, repository, name, current, available] = cells as [string, string, string, string, string];
    updates.push({ package: name, installed: current || null, candidate: available, security: /security/i.test(repository), severity: null, advisories: [] });
  }
  return updates;
}
