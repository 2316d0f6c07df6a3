// Inventory sources (issue 21, decision 021): what an admin sends to add or change one, and its
// mapping. Shared by the API and the admin pages.
import { z } from "zod";
import { expressionRefusal, MAPPED_FIELDS, REQUIRED_FIELDS, type Mapping } from "../domain/inventory";
import { noNul, RevisionSchema } from "./common";
import { INVENTORY_TEXT_MAX, SYNC_INTERVAL_MAX, SYNC_INTERVAL_MIN } from "./limits";

export { INVENTORY_TEXT_MAX, SYNC_INTERVAL_MAX, SYNC_INTERVAL_MIN };
export const SOURCE_NAME_MAX = 100;
export const TOKEN_MAX = 500;
export const SOURCE_KINDS = ["ansible", "netbox"] as const;
export type SourceKindName = (typeof SOURCE_KINDS)[number];
export const NETBOX_OBJECTS = ["devices", "virtual-machines"] as const;

const oneLine = (max: number, what: string) =>
  z
    .string({ error: `Give ${what}.` })
    .trim()
    .min(1, `Give ${what}.`)
    .max(max, `must be at most ${max} characters`)
    .refine((v) => noNul(v) && !/[\r\n\t]/.test(v), "must be one line of text");

/**
 * The inventory file's name, as ansible-inventory sees it: a dynamic plugin's configuration must be
 * named as the plugin expects (netbox.yml, aws_ec2.yml, *.vmware.yml). A plain name: no folder, no
 * leading dot.
 */
export const InventoryFileNameSchema = z
  .string({ error: "Give the inventory file's name, e.g. hosts.yml, hosts.ini or netbox.yml." })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be a file name such as hosts.yml, hosts.ini or netbox.yml: letters, digits, . _ - (no folder)");

export const AnsibleConfigSchema = z
  .object({
    fileName: InventoryFileNameSchema,
    text: z
      .string({ error: "Give the inventory's text (YAML, INI, or a plugin's configuration)." })
      .min(1, "Give the inventory's text (YAML, INI, or a plugin's configuration).")
      .max(INVENTORY_TEXT_MAX, `must be at most ${INVENTORY_TEXT_MAX} characters`)
      .refine(noNul, "must be text"),
  })
  .strict();
export type AnsibleConfig = z.infer<typeof AnsibleConfigSchema>;

export const NetboxConfigSchema = z
  .object({
    url: z
      .string({ error: "Give NetBox's address, e.g. https://netbox.example.com." })
      .trim()
      .max(2000, "must be at most 2000 characters")
      .refine((v) => URL.canParse(v) && ["http:", "https:"].includes(new URL(v).protocol), "must be an http(s) URL such as https://netbox.example.com")
      .refine((v) => !URL.canParse(v) || (!new URL(v).username && !new URL(v).password && !new URL(v).search), "must have no user name, password or query")
      .transform((v) => v.replace(/\/+$/, "")),
    objects: z
      .array(z.enum(NETBOX_OBJECTS, { error: "must be devices or virtual-machines" }), { error: "must be a list: devices, virtual-machines" })
      .min(1, "Read at least one of devices, virtual-machines.")
      .max(2)
      .default(["devices", "virtual-machines"]),
    /** NetBox's own filters, as its API takes them: "status=active&site=ams1". */
    filter: z
      .string({ error: "must be text" })
      .trim()
      .max(500, "must be at most 500 characters")
      .refine((v) => v === "" || /^[\w.-]+=[^&=\s]*(&[\w.-]+=[^&=\s]*)*$/.test(v), "must be NetBox filters such as status=active&site=ams1")
      .refine((v) => !/(^|&)(limit|offset)=/.test(v), "limit and offset are the sync's own")
      .default(""),
  })
  .strict();
export type NetboxConfig = z.infer<typeof NetboxConfigSchema>;

const expression = z
  .string({ error: "must be an expression such as var:patch_team" })
  .max(220, "must be at most 220 characters")
  .superRefine((value, ctx) => {
    const refusal = expressionRefusal(value);
    if (refusal) ctx.addIssue({ code: "custom", message: refusal });
  });
const expressions = z.union([expression, z.array(expression).min(1, "give at least one expression").max(10, "at most 10 expressions")], {
  error: "must be an expression or a list of them",
});

/** A source's mapping: per PatchParty field, where its value comes from (decision 021). */
export const MappingSchema = z
  .object({
    fields: z.partialRecord(z.enum(MAPPED_FIELDS, { error: `the fields are ${MAPPED_FIELDS.join(", ")}` }), expressions),
    values: z
      .partialRecord(
        z.enum(MAPPED_FIELDS, { error: `the fields are ${MAPPED_FIELDS.join(", ")}` }),
        z.record(z.string().max(200, "must be at most 200 characters"), z.string().max(200, "must be at most 200 characters")),
      )
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const field of REQUIRED_FIELDS)
      if (m.fields[field] === undefined) ctx.addIssue({ code: "custom", path: ["fields", field], message: `map ${field} (a constant will do, e.g. const:vm)` });
    const values = Object.values(m.values ?? {}).reduce((n, v) => n + Object.keys(v ?? {}).length, 0);
    if (values > 500) ctx.addIssue({ code: "custom", path: ["values"], message: "at most 500 value maps" });
  }) satisfies z.ZodType<Mapping>;

/** The mapping as text (the page's editor): JSON, read by MappingSchema. */
export const MappingTextSchema = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "must be JSON, like the example" });
    return z.NEVER;
  }
});

const interval = z
  .number({ error: `must be a number of minutes (${SYNC_INTERVAL_MIN}–${SYNC_INTERVAL_MAX}) or null` })
  .int("must be a whole number of minutes")
  .min(SYNC_INTERVAL_MIN, `must be at least ${SYNC_INTERVAL_MIN} minutes`)
  .max(SYNC_INTERVAL_MAX, `must be at most ${SYNC_INTERVAL_MAX} minutes (a week)`)
  .nullable();
const token = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "must not be empty")
  .max(TOKEN_MAX, `must be at most ${TOKEN_MAX} characters`)
  .refine((v) => noNul(v) && !/\s/.test(v), "must be one word (the token as NetBox shows it)");

const common = {
  name: oneLine(SOURCE_NAME_MAX, "the source a name"),
  mapping: MappingSchema,
  intervalMinutes: interval.optional().default(null),
  autoApply: z.boolean({ error: "must be true or false" }).optional().default(false),
};

/** A new source, as the API and the page send it. */
export const InventorySourceCreateSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ ...common, kind: z.literal("ansible"), config: AnsibleConfigSchema, token: token.optional() }).strict(),
    z.object({ ...common, kind: z.literal("netbox"), config: NetboxConfigSchema, token }).strict(),
  ],
  { error: "kind: must be ansible or netbox" },
);
export type InventorySourceCreate = z.infer<typeof InventorySourceCreateSchema>;

/** A change to a source (its kind stays). `token: null` removes the token; a string replaces it. */
export const InventorySourceUpdateSchema = z
  .object({
    name: common.name.optional(),
    config: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
    mapping: MappingSchema.optional(),
    intervalMinutes: interval.optional(),
    autoApply: z.boolean({ error: "must be true or false" }).optional(),
    token: token.nullable().optional(),
    revision: RevisionSchema,
  })
  .strict()
  .refine((u) => Object.keys(u).some((k) => k !== "revision"), { message: "Send at least one of name, config, mapping, intervalMinutes, autoApply, token." });
export type InventorySourceUpdate = z.infer<typeof InventorySourceUpdateSchema>;

/** POST …/mapping-preview: a mapping to try on the source's hosts, not saved. */
export const MappingPreviewRequestSchema = z.object({ mapping: MappingSchema }).strict();

/** POST …/syncs: a preview, or `apply: true` to preview and apply at once. */
export const SyncRequestSchema = z.object({ apply: z.boolean({ error: "must be true or false" }).optional().default(false) }).strict();

/** POST …/syncs/{syncId}: carry out the preview, or drop it. */
export const SyncDecisionSchema = z.object({ action: z.enum(["apply", "discard"], { error: "must be apply or discard" }) }).strict();

/** GET …/syncs/{syncId}: a page of its plan. */
export const SyncPlanQuerySchema = z
  .object({
    op: z.enum(["add", "change", "retire", "restore"], { error: "must be add, change, retire or restore" }).optional(),
    offset: z
      .string()
      .regex(/^\d{1,7}$/, "must be a whole number")
      .transform(Number)
      .optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, "must be 1–500")
      .transform(Number)
      .refine((n) => n >= 1 && n <= 500, "must be 1–500")
      .optional(),
  })
  .strict();

/** An id in a path: ours are cuids. */
export const isSourceId = (id: string) => id.length > 0 && id.length <= 40 && /^[\w-]+$/.test(id);

/** The example the page shows and a new source starts from. */
export const EXAMPLE_MAPPING: Mapping = {
  fields: {
    team: ["var:patch_team", "group:team_"],
    environment: ["var:patch_environment", "group:env_"],
    kind: ["var:patch_kind", "const:vm"],
    service: ["var:patch_service", "group:service_"],
    cluster: "var:patch_cluster",
    address: "var:ansible_host",
    tags: ["group:tag_", "var:patch_tags"],
  },
  values: { environment: { prod: "production", qa: "non-production", test: "non-production" } },
};

export const EXAMPLE_NETBOX_MAPPING: Mapping = {
  fields: {
    team: ["cf:patch_team", "field:tenant.slug"],
    environment: ["cf:patch_environment", "field:status.value"],
    kind: ["cf:patch_kind", "const:server"],
    service: ["cf:patch_service", "field:role.slug", "field:device_role.slug"],
    cluster: "field:cluster.name",
    address: ["field:primary_ip4.address", "field:primary_ip.address"],
    tags: "field:tags",
  },
  values: { environment: { active: "production", staged: "non-production" } },
};
