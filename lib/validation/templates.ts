// Fleet templates as the pages and the API send them.
import { z } from "zod";
import { NewestFirstCursorSchema, noNul, numberInput, RevisionSchema } from "./common";
import { VERSION_PATTERN } from "../domain/templates";
import { EXECUTOR_NAMES } from "../domain";
import { ResourceFiltersSchema } from "./resources";

export const MAX_MEMBERS = 5_000;

export const VersionSchema = z
  .string({ error: "Give a version such as 2.0.0." })
  .trim()
  .min(1, "Give a version such as 2.0.0.")
  .max(60, "At most 60 characters.")
  .regex(VERSION_PATTERN, "Write a version such as 2.0.0 or 1.29.3-rc.1.");

export const ConcurrencySchema = numberInput(
  z
    .number({ error: "Concurrency is a whole number from 1 to 1,000." })
    .int("Concurrency is a whole number from 1 to 1,000.")
    .min(1, "Upgrade at least 1 member at a time.")
    .max(1000, "At most 1,000 members at a time."),
);

const memberNameList = z
  .array(
    z
      .string({ error: "Each member is a resource or cluster name." })
      .trim()
      .min(1, "A member name is empty.")
      .max(200, "A member name has at most 200 characters."),
    {
      error: "members: a list of resource or cluster names",
    },
  )
  .max(MAX_MEMBERS, `At most ${MAX_MEMBERS.toLocaleString("en")} members.`)
  .transform((names) => [...new Set(names)]);

/** The fields of a member query: the resource list's filters a fleet is chosen by. */
export const MEMBER_QUERY_FIELDS = ["tag", "kind", "team", "environment", "cluster", "service"] as const;

/**
 * A template's member query (issue 21): a saved subset of the resource list's filters, the same
 * names and values as its URL (`tag` one or more tags, all required; `kind` such as broker-node;
 * `team` a team's slug; `environment`; `cluster` and `service` exact names). Every server that
 * matches, and is not retired, is a member.
 */
export const TemplateMemberQuerySchema = z
  .object(ResourceFiltersSchema.pick({ tag: true, kind: true, team: true, environment: true, cluster: true, service: true }).shape)
  .strict()
  .refine((q) => MEMBER_QUERY_FIELDS.some((k) => q[k] !== undefined), {
    message: "Give at least one filter (tag, kind, team, environment, cluster or service); null removes the query.",
  });
export type TemplateMemberQuery = z.infer<typeof TemplateMemberQuerySchema>;

const createShape = {
  name: z.string({ error: "Give the template a name." }).trim().min(1, "Give the template a name.").max(100, "At most 100 characters."),
  policyId: z.string({ error: "Pick a maintenance policy." }).trim().min(1, "Pick a maintenance policy.").max(40, "Pick a maintenance policy."),
  targetVersion: VersionSchema,
  concurrency: ConcurrencySchema.default(10),
};
const NEEDS_MEMBERS = "Add at least one member. A member query can take their place.";

export const TemplateCreateSchema = z
  .object({
    ...createShape,
    members: memberNameList.optional(),
    memberQuery: TemplateMemberQuerySchema.nullable().optional(),
  })
  .refine((t) => (t.members?.length ?? 0) > 0 || !!t.memberQuery, { message: NEEDS_MEMBERS, path: ["members"] });
export type TemplateCreate = z.infer<typeof TemplateCreateSchema>;

/** The form's member query: the filter fields as text, empty = not filtered by it. */
export const MemberQueryFormSchema = z
  .preprocess(
    (fields) => (fields && typeof fields === "object" ? Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "" && v !== undefined)) : fields),
    z.object(ResourceFiltersSchema.pick({ tag: true, kind: true, team: true, environment: true, cluster: true, service: true }).shape),
  )
  .transform((q) => {
    const set = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
    return Object.keys(set).length ? (set as TemplateMemberQuery) : null;
  });

/** The form sends members as text: one name per line (or separated by commas); the query as its filter fields. */
export const TemplateCreateFormSchema = z
  .object({
    ...createShape,
    members: z
      .string()
      .max(400_000, "The member list is too long.")
      .transform((text) =>
        text
          .split(/[\n,]/)
          .map((n) => n.trim())
          .filter(Boolean),
      )
      .pipe(memberNameList),
    memberQuery: MemberQueryFormSchema,
  })
  .refine((t) => t.members.length > 0 || t.memberQuery !== null, { message: NEEDS_MEMBERS, path: ["members"] });

const percent = (label: string, min: number) => {
  const message = `${label} is a whole number from ${min} to 100.`;
  return numberInput(z.number({ error: message }).int(message).min(min, message).max(100, message));
};
const failureCount = numberInput(
  z
    .number({ error: "The failure count is a whole number, 0 or more." })
    .int("The failure count is a whole number, 0 or more.")
    .min(0, "The failure count is a whole number, 0 or more.")
    .max(100_000, "At most 100,000 failures."),
);
/** A number, or null / "" to clear it. */
const clearable = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === "" ? null : value), schema.nullable());

export const SAFETY_FIELDS = ["concurrencyPercent", "canaryPercent", "maxFailures", "maxFailurePercent"] as const;

// How members are executed (docs/decisions/014): the same settings for a template and the party slots.
export const HOOK_MAX = 1_000;
export const CUTOFF_MINUTES_MAX = 720;
export const MEMBER_TIMEOUT_MINUTES_MAX = 1_440;
export const EXECUTION_FIELDS = ["executor", "preHook", "postHook", "cutoffMinutes", "memberTimeoutMinutes"] as const;

/** An executor's name, or null / "" for the installation's default. */
const executorChoice = z.preprocess(
  (value) => (value === "" ? null : value),
  z.enum(EXECUTOR_NAMES, { error: `executor is one of ${EXECUTOR_NAMES.join(", ")}, or null for the installation's default.` }).nullable(),
);
/** A shell command run on the worker before or after each member; null / "" for none. */
const hook = (label: string) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? null : value),
    z
      .string({ error: `${label} is a shell command, or empty for none.` })
      .trim()
      .max(HOOK_MAX, `${label}: at most ${HOOK_MAX.toLocaleString("en")} characters.`)
      .refine((text) => !text.includes("\u0000"), `${label} must not hold a NUL character.`)
      .nullable(),
  );
const minutes = (label: string, min: number, max: number) => {
  const message = `${label} is a whole number of minutes from ${min} to ${max.toLocaleString("en")}.`;
  return numberInput(z.number({ error: message }).int(message).min(min, message).max(max, message));
};
const EXECUTION_SHAPE = {
  executor: executorChoice.optional(),
  preHook: hook("The pre-hook").optional(),
  postHook: hook("The post-hook").optional(),
  cutoffMinutes: minutes("The start cutoff", 0, CUTOFF_MINUTES_MAX).optional(),
  memberTimeoutMinutes: minutes("The member timeout", 1, MEMBER_TIMEOUT_MINUTES_MAX).optional(),
};

/** How the party slots' members are executed; a field left out keeps its setting. */
export const ExecutionSettingsSchema = z.object(EXECUTION_SHAPE).strict();
export type ExecutionSettingsInput = z.infer<typeof ExecutionSettingsSchema>;

export const MEMBER_CHANGE_MAX = 1_000;
const changeNames = (what: string) =>
  z
    .array(
      z
        .string({ error: "a resource or cluster name" })
        .trim()
        .min(1, "a name is empty")
        .max(200, "a name has at most 200 characters")
        .refine(noNul, "a name cannot hold a NUL character"),
      { error: `a list of resource or cluster names to ${what}` },
    )
    .max(MEMBER_CHANGE_MAX, `at most ${MEMBER_CHANGE_MAX.toLocaleString("en")} names at once`)
    .transform((names) => [...new Set(names)]);

/** Named members to add and to remove, by resource or cluster name. */
export const MemberChangeSchema = z
  .object({ add: changeNames("add").optional(), remove: changeNames("remove").optional() }, { error: "an object { add: [names], remove: [names] }" })
  .strict()
  .refine((c) => (c.add?.length ?? 0) + (c.remove?.length ?? 0) > 0, "name at least one member to add or remove.")
  .refine((c) => !c.add?.some((n) => c.remove?.includes(n)), "a name cannot be both added and removed.");
export type MemberChange = z.infer<typeof MemberChangeSchema>;

export const TemplatePatchSchema = z
  .object({
    targetVersion: VersionSchema.optional(),
    concurrency: ConcurrencySchema.optional(),
    concurrencyPercent: clearable(percent("Concurrency as a share", 1)).optional(),
    canaryPercent: percent("The canary share", 0).optional(),
    maxFailures: clearable(failureCount).optional(),
    maxFailurePercent: clearable(percent("The failure share", 1)).optional(),
    ...EXECUTION_SHAPE,
    members: MemberChangeSchema.optional(),
    memberQuery: TemplateMemberQuerySchema.nullable().optional(),
    revision: RevisionSchema,
  })
  .strict()
  .refine(
    (p) =>
      p.targetVersion !== undefined ||
      p.concurrency !== undefined ||
      SAFETY_FIELDS.some((k) => p[k] !== undefined) ||
      EXECUTION_FIELDS.some((k) => p[k] !== undefined) ||
      p.members !== undefined ||
      p.memberQuery !== undefined,
    {
      message:
        "Send targetVersion, concurrency, a rollout setting (concurrencyPercent, canaryPercent, maxFailures, maxFailurePercent), an execution setting (executor, preHook, postHook, cutoffMinutes, memberTimeoutMinutes), members ({ add, remove }) or memberQuery.",
    },
  );
export type TemplatePatch = z.infer<typeof TemplatePatchSchema>;

export const MemberQuerySchema = z.object({
  state: z.enum(["IN_SYNC", "PENDING", "UPGRADING", "FAILED"], { error: "state is one of IN_SYNC, PENDING, UPGRADING, FAILED" }).optional(),
  after: z.string().max(40, "after: use the previous page's next").refine(noNul, "after: use the previous page's next").optional(),
});

/** GET /api/v1/templates/{id}/member-events?cursor=: the member history, newest first. */
export const MemberEventsQuerySchema = z.object({ cursor: NewestFirstCursorSchema }).strict();

/** How party slots roll out: the same settings as a template's, for every slot. */
export const SlotRolloutSchema = z
  .object({
    concurrency: ConcurrencySchema.optional(),
    concurrencyPercent: clearable(percent("Concurrency as a share", 1)).optional(),
    canaryPercent: percent("The canary share", 0).optional(),
    maxFailures: clearable(failureCount).optional(),
    maxFailurePercent: clearable(percent("The failure share", 1)).optional(),
  })
  .strict();
export type SlotRolloutInput = z.infer<typeof SlotRolloutSchema>;
