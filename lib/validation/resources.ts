// Resource inputs: list filters (URL and API), exclusion, inclusion, group changes, connection
// (how executors reach it), bulk actions.
import { z } from "zod";
import { PATCH_GROUPS } from "../domain/groups";
import { ENVIRONMENTS, KINDS } from "../domain/resources";
import { ISO_DAY, IsoDateSchema, numberInput, optionalText, RevisionSchema } from "./common";
import { ADDRESS_MAX, HOST_LABEL_MAX, REASON_MAX, SSH_PORT_DEFAULT, SSH_PORT_MAX, SSH_PORT_MIN, SSH_USER_MAX } from "./limits";

export { ENVIRONMENTS, KINDS };
export { ADDRESS_MAX, HOST_LABEL_MAX, REASON_MAX, SSH_PORT_DEFAULT, SSH_PORT_MAX, SSH_PORT_MIN, SSH_USER_MAX };
export const REASON_MIN = 3;
export const BULK_MAX_IDS = 1_000;
export const LIST_LIMIT_MAX = 200;

export const KIND_LABELS: Record<keyof typeof KINDS, string> = {
  server: "Server",
  vm: "VM",
  hypervisor: "Hypervisor",
  "container-node": "Container node",
  "database-node": "Database node",
  "broker-node": "Broker node",
  "storage-node": "Storage node",
  "virtual-appliance": "Virtual appliance",
};
export const SORTS = ["name", "-name", "group", "kind", "environment", "-lastPatched", "lastPatched"] as const;
export type Sort = (typeof SORTS)[number];

export const ReasonSchema = z
  .string({ error: "Give a reason." })
  .trim()
  .min(REASON_MIN, `The reason must be at least ${REASON_MIN} characters.`)
  .max(REASON_MAX, `The reason must be at most ${REASON_MAX} characters.`);

export const GroupSchema = numberInput(
  z
    .number({ error: "Pick patch group 1, 2 or 3." })
    .int("Pick patch group 1, 2 or 3.")
    .refine((g): g is 1 | 2 | 3 => (PATCH_GROUPS as readonly number[]).includes(g), "Pick patch group 1, 2 or 3."),
).transform((g) => g as 1 | 2 | 3);

/** "YYYY-MM-DD" (end of that UTC day) or a full ISO-8601 instant; empty means none. */
const UntilSchema = z
  .union([z.string(), z.null()], { error: "The expiry must be a date (YYYY-MM-DD)." })
  .transform((value, ctx) => {
    if (value === null || value === "") return undefined;
    // A day is read by the shared IsoDateSchema, so a day that does not exist says so.
    if (ISO_DAY.test(value)) {
      const day = IsoDateSchema.safeParse(value);
      if (day.success) return new Date(day.data.getTime() + 86_400_000 - 1);
      ctx.addIssue({ code: "custom", message: day.error.issues[0]?.message ?? "is not a real calendar date" });
      return z.NEVER;
    }
    const instant = z.iso.datetime({ offset: true }).safeParse(value);
    if (instant.success) return new Date(instant.data);
    ctx.addIssue({ code: "custom", message: "The expiry must be a date (YYYY-MM-DD)." });
    return z.NEVER;
  })
  .optional()
  .refine((d) => d === undefined || d.getUTCFullYear() < 2200, "The expiry must be before 2200.");

export const ExcludeSchema = z.object({ reason: ReasonSchema, until: UntilSchema, revision: RevisionSchema });
export type ExcludeInput = z.infer<typeof ExcludeSchema>;

const OverrideSchema = z.union([z.literal("").transform(() => undefined), ReasonSchema]).optional();

export const GroupChangeSchema = z.object({ group: GroupSchema, revision: RevisionSchema, overrideReason: OverrideSchema });
export type GroupChangeInput = z.infer<typeof GroupChangeSchema>;

// How the ssh and ansible executors reach a resource. The values end up on an ssh command line
// (after "--", but a user name goes into user@host): only what a host name, an IP address or a
// user name may hold, so that nothing can be read as an option.

/** Empty text and null clear a connection setting: the executors then use the default. */
const blankIsNull = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? null : value);

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const isIpAddress = (value: string) => z.ipv4().safeParse(value).success || z.ipv6().safeParse(value).success;
/**
 * RFC 1123: labels of letters, digits and hyphens, neither first nor last a hyphen. A last label of
 * digits only is not a host name (RFC 1123 2.1): "10.0.0.300" must not reach the resolver, which
 * reads numbers its own way.
 */
const isHostName = (value: string) => {
  const labels = value.split(".");
  return labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1] ?? "");
};

const ADDRESS_MESSAGE = "The address must be a host name (such as web-01.example.com) or an IPv4 or IPv6 address.";

/** A host name or an IP address; empty or null clears it. */
export const AddressSchema = z.preprocess(
  blankIsNull,
  z
    .string({ error: ADDRESS_MESSAGE })
    .trim()
    .max(ADDRESS_MAX, `The address must be at most ${ADDRESS_MAX} characters.`)
    .refine((v) => !v.startsWith("-"), { error: 'The address cannot start with "-".', abort: true })
    // \p{C}: control, format and unassigned characters (NUL, tabs, line breaks, bidi overrides).
    .refine((v) => !/[\s\p{C}]/u.test(v), { error: "The address cannot hold spaces or control characters.", abort: true })
    .refine((v) => isIpAddress(v) || v.split(".").every((label) => label.length <= HOST_LABEL_MAX), {
      error: `Each part of a host name between dots must be at most ${HOST_LABEL_MAX} characters.`,
      abort: true,
    })
    .refine((v) => isIpAddress(v) || isHostName(v), ADDRESS_MESSAGE)
    .nullable(),
);

const PORT_MESSAGE = `The port must be a whole number from ${SSH_PORT_MIN} to ${SSH_PORT_MAX} (empty means ${SSH_PORT_DEFAULT}).`;

/** The SSH port; empty or null means 22. */
export const SshPortSchema = z.preprocess(
  blankIsNull,
  numberInput(z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(SSH_PORT_MIN, PORT_MESSAGE).max(SSH_PORT_MAX, PORT_MESSAGE)).nullable(),
);

export const SSH_USER_PATTERN = new RegExp(`^[a-z_][a-z0-9_-]{0,${SSH_USER_MAX - 1}}$`, "i");

/** A POSIX user name; empty or null means the installation's PATCHPARTY_SSH_USER. */
export const SshUserSchema = z.preprocess(
  blankIsNull,
  z
    .string({ error: "The user must be a user name such as deploy." })
    .trim()
    .max(SSH_USER_MAX, `The user must be at most ${SSH_USER_MAX} characters.`)
    .regex(SSH_USER_PATTERN, "The user must start with a letter or _ and hold only letters, digits, _ and -.")
    .nullable(),
);

/** The connection form: all three fields, each empty to clear it. */
export const ConnectionSchema = z.object({ address: AddressSchema, sshPort: SshPortSchema, sshUser: SshUserSchema, revision: RevisionSchema });
export type ConnectionInput = z.infer<typeof ConnectionSchema>;

export const CONNECTION_FIELDS = ["address", "sshPort", "sshUser"] as const;

/**
 * PATCH /api/v1/resources/{name}: a group, connection fields, or both. A field left out stays as it
 * is; null or "" clears a connection field.
 */
export const ResourcePatchSchema = z
  .object({
    group: GroupSchema.optional(),
    overrideReason: OverrideSchema,
    revision: RevisionSchema,
    address: AddressSchema.optional(),
    sshPort: SshPortSchema.optional(),
    sshUser: SshUserSchema.optional(),
  })
  .strict()
  .refine(
    (b) => b.group !== undefined || CONNECTION_FIELDS.some((field) => b[field] !== undefined),
    "Send at least one of group, address, sshPort and sshUser.",
  );
export type ResourcePatchInput = z.infer<typeof ResourcePatchSchema>;

const flagSchema = z
  .enum(["1", "true"], { error: "must be 1 or true" })
  .transform(() => true as const)
  .optional();

export const FILTER_TAGS_MAX = 10;
export const FILTER_TAG_MAX = 100;

/**
 * One or more tags, all of which a resource must carry: `tag=pci,linux` or `tag=pci&tag=linux`
 * (tags never hold a comma: the CSV import's rule). An empty list is no filter.
 */
export const TagListSchema = z.preprocess(
  (value) => {
    const parts = typeof value === "string" ? [value] : Array.isArray(value) ? value : null;
    if (parts === null) return value;
    const tags = [...new Set(parts.flatMap((p) => (typeof p === "string" ? p.split(",") : [p])).map((t) => (typeof t === "string" ? t.trim() : t)))].filter(
      (t) => t !== "",
    );
    return tags.length ? tags : undefined;
  },
  z
    .array(
      z
        .string({ error: "tag: each tag is text" })
        .max(FILTER_TAG_MAX, `tag: each tag has at most ${FILTER_TAG_MAX} characters`)
        .refine((t) => !t.includes("\u0000"), "tag: a tag cannot hold a NUL character"),
      { error: "tag: one or more tags, separated by commas" },
    )
    .max(FILTER_TAGS_MAX, `tag: at most ${FILTER_TAGS_MAX} tags`)
    .optional(),
);

/** The list's filters, as they appear in the URL and the API's query string. */
export const ResourceFiltersSchema = z.object({
  q: optionalText(200),
  environment: z.enum(Object.keys(ENVIRONMENTS) as [keyof typeof ENVIRONMENTS], { error: "must be production or non-production" }).optional(),
  kind: z.enum(Object.keys(KINDS) as [keyof typeof KINDS], { error: `must be one of ${Object.keys(KINDS).join(", ")}` }).optional(),
  team: optionalText(100),
  cluster: optionalText(200),
  /** Carries every one of these tags. */
  tag: TagListSchema,
  /** Belongs to the service of this name. */
  service: optionalText(200),
  group: z.enum(["1", "2", "3"], { error: "must be 1, 2 or 3" }).transform(Number).optional(),
  state: z.enum(["included", "excluded"], { error: "must be included or excluded" }).optional(),
  lastTag: z
    .string()
    .regex(/^\d{4}-Q[1-4]$/, "must be a patch tag such as 2026-Q3")
    .optional(),
  never: flagSchema,
  failed: flagSchema,
  /** Security updates pending (its last scan found any). */
  security: flagSchema,
  /** Waiting for a reboot (its last scan said so). */
  reboot: flagSchema,
  /** Servers gone from their inventory source (issue 21): left out unless `only` (just them) or `include`. */
  retired: z.enum(["only", "include"], { error: "must be only or include" }).optional(),
});
export type ResourceFilters = z.infer<typeof ResourceFiltersSchema>;

export const ResourceListQuerySchema = ResourceFiltersSchema.extend({
  sort: z.enum(SORTS, { error: `must be one of ${SORTS.join(", ")}` }).default("name"),
  cursor: z.string().max(600).optional(),
  limit: numberInput(z.number().int().min(1).max(LIST_LIMIT_MAX, `must be at most ${LIST_LIMIT_MAX}`)).default(50),
}).strict();
export type ResourceListQuery = z.infer<typeof ResourceListQuerySchema>;

/** The same filters read leniently from a page URL: an unknown value is dropped, not an error. */
export function filtersFromSearchParams(params: Record<string, string | string[] | undefined>): ResourceListQuery {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (typeof value === "string" && value !== "") clean[key] = value;
  const result = ResourceListQuerySchema.safeParse(clean);
  if (result.success) return result.data;
  for (const issue of result.error.issues) delete clean[String(issue.path[0])];
  return ResourceListQuerySchema.parse(Object.fromEntries(Object.entries(clean).filter(([k]) => k in ResourceListQuerySchema.shape)));
}

export const BulkSelectionSchema = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("ids"),
    ids: z
      .array(z.string().min(1).max(40))
      .min(1, "Select at least one resource.")
      .max(BULK_MAX_IDS, `Select at most ${BULK_MAX_IDS} resources, or use "all matching".`),
  }),
  z.object({ mode: z.literal("filter"), filters: ResourceFiltersSchema }),
]);
export type BulkSelection = z.infer<typeof BulkSelectionSchema>;

export const BulkActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("exclude"), selection: BulkSelectionSchema, reason: ReasonSchema, until: UntilSchema }),
  z.object({ action: z.literal("include"), selection: BulkSelectionSchema, group: GroupSchema }),
]);
export type BulkActionInput = z.infer<typeof BulkActionSchema>;
