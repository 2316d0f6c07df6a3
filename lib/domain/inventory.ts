// Inventory sync (issue 21, decision 021): how a source's hosts become PatchParty's servers, and
// what a sync would add, change, retire and restore. Pure: the readers (lib/inventory) hand the
// hosts in, lib/data/inventory.ts the servers of the source and the names others hold.
import { ENVIRONMENTS, KINDS } from "./resources";

/** One host as a source gives it: the source's own id for it, its name, its groups and its variables (or NetBox's object). */
export type SourceHost = {
  externalId: string;
  name: string;
  /** Ansible: every group it is in, transitively. NetBox: its tags' slugs. */
  groups: string[];
  /** Ansible: its host variables (group variables merged). NetBox: the device or VM object as the API gave it. */
  vars: Record<string, unknown>;
};

/** The fields a mapping fills. `group` is the patch group given to a server the sync adds; it never changes one that exists. */
export const MAPPED_FIELDS = ["name", "team", "environment", "kind", "service", "cluster", "address", "tags", "group"] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];
export const REQUIRED_FIELDS = ["team", "environment", "kind", "service"] as const satisfies readonly MappedField[];

/** A source expression, or several tried in turn (the first that gives a value wins; for tags, all of them add up). */
export type Expressions = string | string[];

export type Mapping = {
  fields: Partial<Record<MappedField, Expressions>>;
  /** Per field, what a value found becomes ("prod" → "production"); a value not listed stays as it is. */
  values?: Partial<Record<MappedField, Record<string, string>>>;
};

export type EnvironmentValue = (typeof ENVIRONMENTS)[keyof typeof ENVIRONMENTS];
export type KindValue = (typeof KINDS)[keyof typeof KINDS];

/** The kinds of expression, as a mapping writes them. */
export const EXPRESSION_PREFIXES = ["var:", "field:", "cf:", "group:", "const:", "host:name"] as const;

/** Whether `text` is an expression this module reads (the schema's check). */
export function expressionRefusal(text: string): string | null {
  if (text === "host:name") return null;
  const match = /^(var|field|cf|group|const):(.*)$/s.exec(text);
  if (!match) return `"${text.slice(0, 60)}" is no expression: use var:, field:, cf:, group:, const: or host:name`;
  const [, kind, rest = ""] = match;
  if (kind !== "const" && !/^[\w.-]{1,200}$/.test(rest)) return `"${text.slice(0, 60)}": after ${kind}: give a name such as patch_team or tenant.slug`;
  if (kind === "const" && (rest.length === 0 || rest.length > 200)) return `"${text.slice(0, 60)}": a constant is 1 to 200 characters`;
  return null;
}

const MAX_NAME = 253;

/** A value read from a host as text: NetBox's objects give their slug, value or name; an address loses its prefix length. */
function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const key of ["slug", "value", "name", "address", "display"]) if (typeof o[key] === "string" && o[key] !== "") return o[key] as string;
  }
  return null;
}

function at(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = Array.isArray(current) && /^\d+$/.test(part) ? current[Number(part)] : (current as Record<string, unknown>)[part];
  }
  return current;
}

/** What one expression gives for `host`: a list (tags may be many), empty when nothing. */
export function evaluate(expression: string, host: SourceHost): string[] {
  if (expression === "host:name") return [host.name];
  const colon = expression.indexOf(":");
  const kind = expression.slice(0, colon);
  const rest = expression.slice(colon + 1);
  let raw: unknown;
  switch (kind) {
    case "const":
      return [rest];
    case "var":
    case "field":
      raw = at(host.vars, rest);
      break;
    case "cf":
      raw = at(host.vars, `custom_fields.${rest}`);
      break;
    case "group":
      // Sorted, so a host in two matching groups always maps the same way.
      return [...host.groups]
        .filter((g) => g.startsWith(rest) && g.length > rest.length)
        .sort()
        .map((g) => g.slice(rest.length));
    default:
      return [];
  }
  if (Array.isArray(raw)) return raw.map(scalarText).filter((v): v is string => v !== null);
  // "a, b" in a variable is two tags.
  const text = scalarText(raw);
  return text === null ? [] : [text];
}

const list = (e: Expressions | undefined) => (e === undefined ? [] : typeof e === "string" ? [e] : e);

/** The first value the field's expressions give, through the field's value map. */
function first(mapping: Mapping, field: MappedField, host: SourceHost): string | null {
  for (const expression of list(mapping.fields[field])) {
    const value = evaluate(expression, host)[0];
    if (value !== undefined) return mapping.values?.[field]?.[value] ?? value;
  }
  return null;
}

export type MappedHost = {
  externalId: string;
  name: string;
  /** A team's slug or name, as the source says it. */
  team: string;
  environment: EnvironmentValue;
  kind: KindValue;
  service: string;
  /** Undefined: the mapping does not map it, and the sync leaves what the server has. */
  cluster?: string | null;
  address?: string | null;
  tags?: string[];
  group: 1 | 2 | 3 | null;
};

export type HostError = { host: string; message: string };

const ENV_WORDS: Record<string, EnvironmentValue> = {
  production: "PRODUCTION",
  prod: "PRODUCTION",
  "non-production": "NON_PRODUCTION",
  non_production: "NON_PRODUCTION",
};

const clean = (text: string) => !/[\u0000-\u001f\u007f]/.test(text);

/** A host through the mapping, or why it cannot be a server. */
export function mapHost(mapping: Mapping, host: SourceHost): { ok: true; host: MappedHost } | { ok: false; error: HostError } {
  const fail = (message: string) => ({ ok: false as const, error: { host: host.name || host.externalId, message } });
  const name = mapping.fields.name ? first(mapping, "name", host) : host.name;
  if (!name) return fail("no name: the name expression gives nothing");
  if (name.length > MAX_NAME || !clean(name) || /\s/.test(name)) return fail(`name "${name.slice(0, 80)}": must be 1 to ${MAX_NAME} characters without spaces`);
  const values: Partial<Record<MappedField, string>> = {};
  for (const field of REQUIRED_FIELDS) {
    const value = first(mapping, field, host);
    if (value === null) return fail(`no ${field}: ${list(mapping.fields[field]).join(", ") || "not mapped"} gives nothing for this host`);
    if (value.length > 200 || !clean(value)) return fail(`${field} "${value.slice(0, 80)}": must be one line of at most 200 characters`);
    values[field] = value;
  }
  const environment = ENV_WORDS[values.environment!.toLowerCase()] ?? (Object.values(ENVIRONMENTS) as string[]).find((v) => v === values.environment);
  if (!environment) return fail(`environment "${values.environment}": must be production or non-production (add a value map, e.g. prod → production)`);
  const kindWord = values.kind!.toLowerCase().replace(/_/g, "-");
  const kind = KINDS[kindWord as keyof typeof KINDS];
  if (!kind) return fail(`kind "${values.kind}": must be one of ${Object.keys(KINDS).join(", ")}`);
  const mapped: MappedHost = {
    externalId: host.externalId,
    name,
    team: values.team!,
    environment: environment as EnvironmentValue,
    kind,
    service: values.service!,
    group: null,
  };
  if (mapping.fields.cluster !== undefined) {
    const cluster = first(mapping, "cluster", host);
    if (cluster !== null && (cluster.length > 200 || !clean(cluster)))
      return fail(`cluster "${cluster.slice(0, 80)}": must be one line of at most 200 characters`);
    mapped.cluster = cluster;
  }
  if (mapping.fields.address !== undefined) {
    // NetBox writes an interface address with its prefix length (10.0.0.5/24): the host is the address.
    const address = first(mapping, "address", host)?.replace(/\/\d{1,3}$/, "") ?? null;
    if (address !== null && !/^[A-Za-z0-9.:_-]{1,253}$/.test(address)) return fail(`address "${address.slice(0, 80)}": must be a host name or an IP address`);
    mapped.address = address;
  }
  if (mapping.fields.tags !== undefined) {
    const tags = new Set<string>();
    for (const expression of list(mapping.fields.tags))
      for (const value of evaluate(expression, host).flatMap((v) => v.split(",")))
        if (value.trim()) tags.add(mapping.values?.tags?.[value.trim()] ?? value.trim());
    const bad = [...tags].find((t) => t.length > 100 || !clean(t));
    if (bad !== undefined) return fail(`tag "${bad.slice(0, 80)}": must be one line of at most 100 characters`);
    mapped.tags = [...tags].sort();
  }
  if (mapping.fields.group !== undefined) {
    const group = first(mapping, "group", host);
    if (group !== null) {
      if (!["1", "2", "3"].includes(group)) return fail(`group "${group.slice(0, 20)}": must be 1, 2 or 3`);
      mapped.group = Number(group) as 1 | 2 | 3;
    }
  }
  return { ok: true, host: mapped };
}

/** The patch group of a server the sync adds and the mapping gives none: spread by its name, the same on every sync. */
export function spreadGroup(name: string): 1 | 2 | 3 {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return ((Math.abs(hash) % 3) + 1) as 1 | 2 | 3;
}

// ---- the plan ----

/** What the sync owns of a server: the fields its mapping maps (name, team, environment, kind and service always). */
export type OwnedState = {
  name: string;
  teamId: string;
  environment: EnvironmentValue;
  kind: KindValue;
  service: string;
  cluster?: string | null;
  address?: string | null;
  tags?: string[];
};

/** A server of this source as it is now. */
export type ExistingServer = {
  id: string;
  externalId: string;
  revision: number;
  retiredAt: Date | null;
  name: string;
  teamId: string;
  environment: EnvironmentValue;
  kind: KindValue;
  service: string;
  cluster: string | null;
  address: string | null;
  tags: string[];
};

/** A host ready to plan: mapped, its team found. */
export type DesiredServer = OwnedState & { externalId: string; group: 1 | 2 | 3 };

export type PlanOp = "add" | "change" | "retire" | "restore";

export type PlanItem = {
  op: PlanOp;
  externalId: string;
  name: string;
  /** The server's id and revision when planned: "Apply" changes it only if it is still so. */
  resourceId?: string;
  revision?: number;
  /** Only the fields that change (add: every owned field, and the group). */
  before?: Partial<OwnedState>;
  after?: Partial<OwnedState> & { group?: number };
};

export type Plan = {
  items: PlanItem[];
  counts: { hosts: number; added: number; changed: number; retired: number; restored: number; unchanged: number };
  errors: HostError[];
};

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((t, i) => t === [...b].sort()[i]);

/** The owned fields that differ between a server and what the source says. */
function differences(existing: ExistingServer, desired: DesiredServer): { before: Partial<OwnedState>; after: Partial<OwnedState> } | null {
  const before: Partial<OwnedState> = {};
  const after: Partial<OwnedState> = {};
  const note = <K extends keyof OwnedState>(key: K, was: OwnedState[K], now: OwnedState[K]) => {
    before[key] = was;
    after[key] = now;
  };
  if (existing.name !== desired.name) note("name", existing.name, desired.name);
  if (existing.teamId !== desired.teamId) note("teamId", existing.teamId, desired.teamId);
  if (existing.environment !== desired.environment) note("environment", existing.environment, desired.environment);
  if (existing.kind !== desired.kind) note("kind", existing.kind, desired.kind);
  if (existing.service !== desired.service) note("service", existing.service, desired.service);
  if (desired.cluster !== undefined && existing.cluster !== desired.cluster) note("cluster", existing.cluster, desired.cluster);
  if (desired.address !== undefined && existing.address !== desired.address) note("address", existing.address, desired.address);
  if (desired.tags !== undefined && !sameTags(existing.tags, desired.tags)) note("tags", existing.tags, desired.tags);
  return Object.keys(after).length ? { before, after } : null;
}

/**
 * The plan of a sync: every host of the source against the source's servers. A host that could
 * not be mapped (in `errors`) is neither added nor retired: its server, if any, is left as it is.
 * A server whose host is gone is retired (once: `now` marks it); one that comes back is restored.
 * `takenNames` are names held by servers typed by a person or of another source: never taken over.
 */
export function planSync(input: {
  desired: readonly DesiredServer[];
  existing: readonly ExistingServer[];
  /** Hosts the source has that could not be mapped, by external id: their servers stay. */
  failed: ReadonlySet<string>;
  errors: readonly HostError[];
  takenNames: ReadonlySet<string>;
}): Plan {
  const errors = [...input.errors];
  const byExternal = new Map(input.existing.map((s) => [s.externalId, s]));
  const items: PlanItem[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  // Names as they will be after the sync, so two hosts never end up with one name.
  const names = new Map(input.existing.map((s) => [s.name, s.externalId]));
  const claimed = new Set<string>();
  for (const d of input.desired) {
    if (seen.has(d.externalId)) {
      errors.push({ host: d.name, message: `the source lists ${d.externalId} twice: the first is kept` });
      continue;
    }
    seen.add(d.externalId);
    const holder = names.get(d.name);
    // A retired server keeps its name (its history is under it): a new host of that name is an error too.
    if (input.takenNames.has(d.name) || claimed.has(d.name) || (holder !== undefined && holder !== d.externalId)) {
      errors.push({
        host: d.name,
        message: input.takenNames.has(d.name)
          ? `the name ${d.name} belongs to a server typed in PatchParty or synced from another source: not taken over`
          : `the name ${d.name} is another host's of this source`,
      });
      continue;
    }
    claimed.add(d.name);
    const existing = byExternal.get(d.externalId);
    if (!existing) {
      const { externalId, group, ...owned } = d;
      items.push({ op: "add", externalId, name: d.name, after: { ...owned, group } });
      continue;
    }
    const diff = differences(existing, d);
    if (existing.retiredAt) {
      items.push({
        op: "restore",
        externalId: d.externalId,
        name: d.name,
        resourceId: existing.id,
        revision: existing.revision,
        before: diff?.before,
        after: diff?.after,
      });
    } else if (diff) {
      items.push({ op: "change", externalId: d.externalId, name: d.name, resourceId: existing.id, revision: existing.revision, ...diff });
    } else unchanged++;
  }
  for (const s of input.existing) {
    if (seen.has(s.externalId) || input.failed.has(s.externalId)) continue;
    if (s.retiredAt) continue;
    items.push({ op: "retire", externalId: s.externalId, name: s.name, resourceId: s.id, revision: s.revision });
  }
  const count = (op: PlanOp) => items.filter((i) => i.op === op).length;
  return {
    items,
    counts: {
      hosts: input.desired.length + input.failed.size,
      added: count("add"),
      changed: count("change"),
      retired: count("retire"),
      restored: count("restore"),
      unchanged,
    },
    errors,
  };
}
