// What /api/v1 answers, as zod schemas: the OpenAPI document's responses are generated from these
// (lib/api/openapi/operations.ts), and under the integration tests every JSON answer is checked
// against them (lib/api/openapi/conformance.ts). The builders in lib/api/*.ts write the answers;
// the type checks at the bottom fail when a builder's result no longer fits its schema.
import "server-only";
import { z } from "zod";
import { SPILL_SHOWN } from "../../domain/forecast";
import type { changeJson } from "../changes";
import type { executionJson, executionSummaryJson } from "../executions";
import type { freezeJson } from "../freezes";
import type { partyJson } from "../parties";
import type { partyForecastJson } from "../forecast";
import type { partyWithCountsJson } from "../party";
import type { templatePlanJson } from "../plans";
import type { policyJson } from "../policies";
import type { resourceJson, resourceListJson } from "../resources";
import type { memberEventJson, memberJson, templateJson, templateSummaryJson } from "../templates";
import type { serverUpdatesJson } from "../updates";
import type { userJson } from "../users";
import type { deliveryJson, webhookJson } from "../webhooks";
import { EXECUTION_STATES } from "../../validation/executions";

const instant = z.iso.datetime({ offset: true }).describe("ISO-8601 instant, UTC");
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const nullable = <S extends z.ZodType>(schema: S) => schema.nullable();
const partyKind = z.enum(["qa", "production"]);
const group = z.number().int().min(1).max(3);
const changeState = z.enum(["DRAFT", "SUBMITTED", "APPROVED", "REJECTED"]);
const span = { startsAt: instant, endsAt: instant };

/** Every refusal: `apiError` in lib/api/respond.ts. */
export const ApiErrorSchema = z.object({ error: z.string().describe("What was wrong, for a person to read; at most 300 characters.") });

/** A CSV import refused: every bad cell by line and column, nothing imported. */
export const CsvImportErrorSchema = z.object({
  error: z.string(),
  errors: z.array(z.object({ line: z.number().int(), column: z.string(), message: z.string() })),
});

const ChangeStatusSchema = nullable(z.object({ id: z.string(), state: changeState }));
const FreezeConflictSchema = z.object({ kind: z.literal("freeze"), id: z.string(), name: z.string() });
const blocking = { change: ChangeStatusSchema, blocked: z.boolean(), blockedReason: nullable(z.string()) };

// ---- parties ----
const partyFields = {
  tag: z.string().describe("The quarter, e.g. 2026-Q4"),
  kind: partyKind,
  status: z.enum(["planned", "running", "completed", "cancelled"]),
  localDate: day,
  timeZone: z.string(),
  ...span,
  ...blocking,
  held: nullable(z.object({ at: instant, by: z.string(), reason: z.string() })).describe("A production party held by an admin (the QA gate)"),
  conflicts: z.array(FreezeConflictSchema).describe("Freezes over its slots"),
};
export const PartySchema = z.object({ ...partyFields, slots: z.array(z.object({ group, ...span })) });
export const PartyDetailSchema = z.object({
  ...partyFields,
  slots: z.array(z.object({ group, ...span, resources: z.number().int().describe("Included resources in the slot's group") })),
  outcomes: nullable(z.object({ patched: z.number().int(), failed: z.number().int(), skipped: z.number().int() })).describe("Once the party is over"),
});
const minutes = z.number().describe("Minutes, to one decimal for sums");
const estimateSource = z.enum(["history", "plan", "default"]);
export const PartyForecastSchema = z.object({
  party: z.object({ tag: z.string(), kind: partyKind, status: partyFields.status, ...span }),
  settings: z.object({
    concurrency: z.number().int(),
    concurrencyPercent: nullable(z.number().int()),
    canaryPercent: z.number().int(),
    cutoffMinutes: z.number().int(),
    memberTimeoutMinutes: z.number().int(),
  }),
  slots: z.array(
    z.object({
      group,
      ...span,
      cutoffAt: instant.describe("No resource starts at or after it"),
      resources: z.number().int(),
      concurrency: z.number().int().describe("Resources patched at once"),
      canary: z.number().int().describe("Resources that go first and are waited for"),
      expectedFinishAt: nullable(instant).describe("When the last resource would finish if none were held back by the cutoff; null: no resources"),
      fits: z.boolean(),
      estimates: z
        .object({ history: z.number().int(), plan: z.number().int(), default: z.number().int() })
        .describe("How many estimates came from each source"),
      spill: z
        .object({
          notStarted: z.number().int().describe("Resources that would not start before the cutoff"),
          overrun: z.number().int().describe("Resources that would start but not finish by the slot's end"),
        })
        .describe("How many resources would spill over, by reason"),
      spillOver: z
        .array(
          z.object({
            resource: z.string(),
            service: nullable(z.string()),
            reason: z.enum(["not-started", "overrun"]),
            expectedStartAt: instant,
            expectedFinishAt: instant,
            minutes,
            source: estimateSource,
          }),
        )
        .describe(`The first ${SPILL_SHOWN} resources that would spill over, in the order the engine starts them (\`spill\` counts them all)`),
      services: z.array(
        z.object({
          name: z.string(),
          servers: z.number().int(),
          wholeService: z.boolean().describe("Every production server of the service is in this group"),
        }),
      ),
    }),
  ),
  services: z.array(
    z.object({
      name: z.string(),
      servers: z.number().int().describe("Its servers patched that day"),
      downMinutes: minutes.describe("Server-minutes down: the sum of its servers' expected durations"),
      anyDownMinutes: minutes.describe("Minutes during which at least one of its servers is down"),
      allDownMinutes: minutes.describe("Minutes during which every production server of it is down at once"),
      wholeServiceInGroup: nullable(group).describe("The group holding every production server of it"),
    }),
  ),
});

// ---- what production installs (issue 20) ----
const testedSource = z.enum(["qa", "approved"]).describe("qa: what the QA party's servers ended up with; approved: let through by an admin");
export const TestedPackageSchema = z.object({
  release: z.string().describe('The servers\' distribution release, as their scans name it ("debian 12"); "" when unknown'),
  package: z.string(),
  version: z.string(),
  source: testedSource,
});
export const ProductionPackagesSchema = z.object({
  tag: z.string(),
  testedSet: nullable(z.array(TestedPackageSchema)).describe(
    "null: QA recorded no package versions (its executor reports none), so production upgrades to the newest",
  ),
  groups: z.array(
    z.object({
      group,
      install: z.array(
        z.object({
          release: z.string(),
          package: z.string(),
          version: z.string(),
          source: testedSource,
          servers: z.number().int().describe("Servers that have it pending"),
        }),
      ),
      heldBack: z.array(
        z.object({
          release: z.string(),
          package: z.string(),
          candidate: z.string().describe("The newest version the servers could install"),
          tested: nullable(z.string()).describe("The version QA tested (installed instead); null: never tested"),
          servers: z.number().int(),
        }),
      ),
    }),
  ),
});
export const ScanRequestedSchema = z.object({ queued: z.literal(true), executor: z.enum(["ssh", "ansible"]) });

// ---- resources ----
const connection = {
  address: nullable(z.string()).describe("Host name or IP address the ssh and ansible executors reach it at"),
  sshPort: nullable(z.number().int()),
  sshUser: nullable(z.string()),
};
const environment = z.enum(["production", "non-production"]);
export const ResourceListItemSchema = z.object({
  name: z.string(),
  kind: z.string(),
  environment,
  team: z.string(),
  cluster: nullable(z.string()),
  group,
  excluded: z.boolean(),
  tags: z.array(z.string()),
  lastPatchedAt: nullable(instant),
  lastPatchTag: nullable(z.string()),
  lastOutcome: nullable(z.string()).describe("patched, failed or skipped"),
  ...connection,
  pendingUpdates: z.number().int().describe("Updates its last scan found pending (GET /resources/{name}/updates lists them)"),
  securityUpdates: z.number().int().describe("Of those, security updates"),
  rebootPending: z.boolean().describe("Its last scan said it waits for a reboot"),
  retiredAt: nullable(instant).describe("When it left its inventory source (retired: kept with its history, in no party); null while in the fleet"),
});
export const ResourcePageSchema = z.object({ items: z.array(ResourceListItemSchema), nextCursor: nullable(z.string()) });
export const ResourceSchema = z.object({
  name: z.string(),
  kind: z.string(),
  environment,
  team: z.string(),
  service: z.string(),
  cluster: nullable(z.object({ name: z.string(), nodes: z.array(z.object({ name: z.string(), group })) })),
  group,
  tags: z.array(z.string()),
  version: nullable(z.string()),
  ...connection,
  revision: z.number().int(),
  retiredAt: nullable(instant).describe("When it left its inventory source (retired: kept with its history, in no party); null while in the fleet"),
  patchStatus: z.object({
    lastPatchedAt: nullable(instant),
    lastPatchTag: nullable(z.string()),
    nextParty: nullable(z.object({ tag: z.string(), kind: partyKind, slotStartsAt: instant, slotEndsAt: instant })),
    exclusion: nullable(z.object({ by: z.string(), at: instant, reason: z.string(), until: nullable(instant) })),
  }),
});
const severity = nullable(z.enum(["critical", "high", "medium", "low"])).describe("As the package manager rates it; null where it gives none (apt)");
export const ServerUpdatesSchema = z.object({
  resource: z.string(),
  scan: nullable(
    z.object({
      scannedAt: instant,
      source: z.string().describe("Who scanned: an executor (ssh, ansible) or the e-mail of the person or token that reported it"),
      packageManager: nullable(z.string()),
      release: nullable(z.string()).describe('The distribution release, e.g. "debian 12"'),
      rebootRequired: nullable(z.boolean()).describe("null: the package manager could not tell"),
      error: nullable(z.string()).describe("Why the last scan failed; what the last good scan found stays"),
      erroredAt: nullable(instant),
    }),
  ).describe("null: never scanned"),
  updates: z
    .array(
      z.object({
        package: z.string(),
        installed: nullable(z.string()).describe("null: not installed yet (a new dependency)"),
        candidate: z.string(),
        security: z.boolean(),
        severity,
        advisories: z.array(z.string()).describe("Advisory and CVE ids"),
        firstSeenAt: instant.describe("When a scan first found it pending"),
      }),
    )
    .describe("Security first (the most severe first), then by package"),
});
export const CsvImportSummarySchema = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });
export const CsvImportProgressSchema = z.union([
  z.object({ phase: z.enum(["validate", "apply"]), done: z.number().int(), total: z.number().int() }),
  z.object({ phase: z.literal("done"), ...CsvImportSummarySchema.shape }),
  z.object({ phase: z.literal("error"), message: z.string(), errors: CsvImportErrorSchema.shape.errors }),
]);

// ---- party rule ----
const clock = z.string().regex(/^\d{2}:\d{2}$/);
const ruleFields = {
  timeZone: z.string(),
  qaMonthOfQuarter: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  qaThursdayOfMonth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]).describe("-1: the last"),
  businessHours: z.object({ start: clock, end: clock }),
  productionMinGapDays: z.number().int(),
  qaSlots: z.array(z.object({ start: clock, end: clock })).describe("Groups 1, 2, 3 in order"),
  productionSlots: z.array(z.object({ start: clock, end: clock })).describe("Groups 1, 2, 3 in order"),
  revision: z.number().int(),
};
export const PartyRuleAnswerSchema = z.object(ruleFields);
const when = z.object({ localDate: day, ...span });
const RuleMoveSchema = z.object({
  tag: z.string(),
  kind: partyKind,
  from: when,
  to: when,
  announced: z.boolean().describe("Customers were told of it"),
  soon: z.boolean().describe("Less than 14 days away"),
  approved: z.boolean().describe("Its change is approved"),
});
export const PartyRuleSavedSchema = z.object({
  ...ruleFields,
  moved: z.number().int(),
  created: z.number().int(),
  movedParties: z.array(RuleMoveSchema),
  kept: z.array(RuleMoveSchema).describe("Parties that keep their dates (moveAnnounced was not true)"),
});
const plannedParty = z.object({
  tag: z.string(),
  kind: partyKind,
  localDate: day,
  timeZone: z.string(),
  ...span,
  slots: z.array(z.object({ group, ...span })),
});
export const PartyRulePreviewSchema = z.object({
  pairs: z.array(z.object({ tag: z.string(), qa: nullable(plannedParty), production: nullable(plannedParty) })),
  moves: z.array(RuleMoveSchema),
  kept: z.array(RuleMoveSchema),
});
export const SlotRolloutAnswerSchema = z.object({
  concurrency: z.number().int(),
  concurrencyPercent: nullable(z.number()),
  canaryPercent: z.number(),
  maxFailures: nullable(z.number().int()),
  maxFailurePercent: nullable(z.number()),
});
export const ExecutionSettingsAnswerSchema = z.object({
  executor: nullable(z.string()).describe("null: the installation's default (PATCHPARTY_EXECUTOR)"),
  preHook: nullable(z.string()),
  postHook: nullable(z.string()),
  cutoffMinutes: z.number().int(),
  memberTimeoutMinutes: z.number().int(),
});

// ---- freezes and conflicts ----
export const FreezeAnswerSchema = z.object({
  id: z.string(),
  name: z.string(),
  ...span,
  reason: z.string(),
  scope: z.enum(["all", "production", "non-production"]),
  teams: z.array(z.string()).describe("Team slugs; empty: every team"),
  revision: z.number().int(),
  createdAt: instant,
});
export const FreezeListSchema = z.object({ items: z.array(FreezeAnswerSchema) });
const partyRef = z.object({ tag: z.string(), kind: partyKind });
export const ConflictListSchema = z.object({
  items: z.array(
    z.discriminatedUnion("kind", [
      z.object({
        kind: z.literal("template-window"),
        party: partyRef,
        group: z.number().int(),
        slot: z.object(span),
        template: z.object({ id: z.string(), name: z.string() }),
        window: z.object({ schedule: z.string(), ...span }),
        servers: z.object({ count: z.number().int(), names: z.array(z.string()) }),
        fix: z.string(),
      }),
      z.object({ kind: z.literal("freeze"), party: partyRef, freeze: z.object({ id: z.string(), name: z.string(), ...span }), fix: z.string() }),
    ]),
  ),
});

// ---- policies ----
const cronField = z.union([z.literal("every"), z.array(z.number().int())]);
const scheduleFields = { name: z.string(), windowHours: z.number(), rrule: z.array(z.string()).describe("RFC 5545 recurrence, one or more") };
export const PolicyAnswerSchema = z.object({
  id: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  revision: z.number().int(),
  schedules: z.array(
    z.union([
      z.object({ ...scheduleFields, preset: z.enum(["weekly-sunday", "biweekly-sunday", "monthly-1st", "bimonthly-1st"]) }),
      z.object({
        ...scheduleFields,
        custom: z.object({ minutes: cronField, hours: cronField, daysOfWeek: cronField, daysOfMonth: cronField, months: cronField }),
      }),
    ]),
  ),
  templates: z.array(z.object({ id: z.string(), name: z.string() })).describe("Templates that use it"),
});
export const PolicyWindowsSchema = z.array(z.object({ schedule: z.string(), ...span }));

// ---- templates and plans ----
const templateState = z.enum(["IN_SYNC", "PENDING", "UPGRADING", "PARTIALLY_APPLIED"]);
const memberState = z.enum(["IN_SYNC", "PENDING", "UPGRADING", "FAILED"]);
const policyRef = z.object({ id: z.string(), name: z.string() });
const components = z.array(z.object({ name: z.string(), downtimeMinutes: z.number() }));
const window = nullable(z.object({ schedule: z.string(), ...span }));
export const TemplateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  policy: policyRef,
  targetVersion: z.string(),
  state: templateState,
  concurrency: z.number().int(),
  members: z.number().int(),
  onTarget: z.number().int(),
  ...blocking,
});
export const TemplateAnswerSchema = z.object({
  id: z.string(),
  name: z.string(),
  policy: policyRef,
  targetVersion: z.string(),
  targetSetAt: instant,
  state: templateState,
  concurrency: z.number().int(),
  plan: nullable(components).describe("Components in upgrade order"),
  rollout: z.object({
    concurrencyPercent: nullable(z.number()),
    canaryPercent: z.number(),
    maxFailures: nullable(z.number().int()),
    maxFailurePercent: nullable(z.number()),
  }),
  execution: ExecutionSettingsAnswerSchema,
  revision: z.number().int(),
  memberQuery: nullable(
    z.object({
      tag: z.array(z.string()).optional().describe("Carries every one of these tags"),
      kind: z.string().optional(),
      team: z.string().optional().describe("A team's slug"),
      environment: z.enum(["production", "non-production"]).optional(),
      cluster: z.string().optional(),
      service: z.string().optional(),
    }),
  ).describe("The saved resource filter whose matching, not retired servers are members besides the named ones"),
  members: z.object({
    total: z.number().int(),
    byState: z.object({ IN_SYNC: z.number().int(), PENDING: z.number().int(), UPGRADING: z.number().int(), FAILED: z.number().int() }).partial(),
    byVersion: z.array(z.object({ version: z.string(), members: z.number().int() })),
  }),
  nextWindow: window,
  upgradeWindow: window.describe("The pending upgrade's window"),
  runs: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      forced: z.boolean(),
      state: z.enum(["SCHEDULED", "RUNNING", "COMPLETED", "HALTED", "PARTIAL"]),
      haltReason: nullable(z.string()),
      canary: nullable(z.object({ size: z.number().int(), passedAt: nullable(instant) })),
      windowStart: instant,
      windowEnd: instant,
      attempts: z.object({ succeeded: z.number().int(), failed: z.number().int(), running: z.number().int() }),
    }),
  ),
  ...blocking,
  conflicts: z.array(FreezeConflictSchema).readonly(),
});
export const MemberPageSchema = z.object({
  members: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(["resource", "cluster"]),
      currentVersion: z.string(),
      state: memberState,
      viaQuery: z.boolean().describe("A member because it matches the member query (it leaves when it no longer does); false: named by a person"),
      lastAttemptAt: nullable(instant),
      lastError: nullable(z.string()),
    }),
  ),
  next: nullable(z.string()).describe("Pass as `after` for the next page"),
});
export const MemberEventPageSchema = z.object({
  events: z.array(
    z.object({
      member: z.string(),
      kind: z.enum(["resource", "cluster"]),
      action: z.enum(["JOINED", "LEFT", "REFUSED"]),
      viaQuery: z.boolean().describe("Through the member query; false: named or removed by a person"),
      reason: nullable(z.string()).describe("Why it left or was refused"),
      by: z.string().describe('The person\'s e-mail, or "member query"'),
      at: instant,
    }),
  ),
  next: nullable(z.string()).describe("Pass as `cursor` for the next page"),
});
export const UpgradePlanSchema = z.object({
  stages: z.array(
    z.object({
      component: z.string(),
      lanes: z.array(
        z.object({
          serverType: z.string(),
          steps: z.array(
            z.object({
              servers: z.array(z.string()).describe("The servers of the reader's teams in this step"),
              cluster: nullable(z.string()).describe(`A cluster none of whose nodes the reader's teams hold: "other teams' cluster"`),
              minutes: z.number(),
              others: z.number().int().optional().describe("Servers of other teams in this step: counted, not named"),
            }),
          ),
          minutes: z.number(),
        }),
      ),
      startsAtMinute: z.number(),
      minutes: z.number(),
    }),
  ),
  totalMinutes: z.number(),
  unplanned: z.array(z.string()).describe("Servers (of the reader's teams) outside the plan's components: they go last"),
});
export const TemplatePlanAnswerSchema = z.object({
  template: z.object({ id: z.string(), name: z.string(), targetVersion: z.string(), revision: z.number().int() }),
  components: nullable(components),
  plan: nullable(UpgradePlanSchema),
  windowMinutes: nullable(z.number()),
  fitsWindow: nullable(z.boolean()),
});

// ---- changes and notices ----
export const ChangeAnswerSchema = z.object({
  id: z.string(),
  title: z.string(),
  state: changeState,
  subject: nullable(
    z.union([z.object({ party: z.object({ tag: z.string(), kind: z.string() }) }), z.object({ template: z.object({ id: z.string(), name: z.string() }) })]),
  ),
  scope: z
    .union([
      z.object({ groups: z.array(z.object({ group: z.number().int(), ...span, resources: z.number().int() })) }),
      z.object({ version: z.string(), members: z.number().int(), window: z.object({ schedule: z.string(), ...span }) }),
    ])
    .nullable()
    .describe("What it covers: a party's groups, or a template upgrade's version, members and window"),
  plannedStart: instant,
  plannedEnd: instant,
  rollbackPlan: z.string(),
  acceptanceCriteria: z.string(),
  contacts: z.string(),
  requestedBy: z.string(),
  decidedBy: nullable(z.string()),
  decidedAt: nullable(instant),
  decisionComment: nullable(z.string()),
  revision: z.number().int(),
  createdAt: instant,
  approvedWindow: nullable(z.object(span)),
  driftNote: nullable(z.string()).describe("What moved since the approval"),
});
export const ChangeDetailSchema = ChangeAnswerSchema.extend({
  scopeDrift: nullable(
    z.array(
      z.object({
        group: z.number().int(),
        approved: z.number().int(),
        now: z.number().int(),
        added: z.array(z.string()),
        addedCount: z.number().int(),
        removed: z.array(z.string()),
        removedCount: z.number().int(),
      }),
    ),
  ).describe("Once approved: per group, the resources added and removed since"),
});
export const ChangePageSchema = z.object({ items: z.array(ChangeAnswerSchema), next: nullable(z.string()).describe("Pass as `cursor` for the next page") });
export const NotificationPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      recipient: z.string(),
      subject: z.string(),
      party: nullable(z.string()),
      template: nullable(z.object({ id: z.string(), name: z.string() })),
      version: nullable(z.string()),
      window: nullable(z.object(span)),
      state: z.enum(["PENDING", "SENDING", "SENT", "FAILED"]),
      attempts: z.number().int(),
      lastError: nullable(z.string()),
      sentAt: nullable(instant),
      createdAt: instant,
    }),
  ),
  next: nullable(z.string()).describe("Pass as `cursor` for the next page"),
});

// ---- compliance ----
const count = z.number().int();
const TrendPointSchema = z.object({
  quarter: z.string(),
  resources: count,
  patched: count,
  share: nullable(z.number()).describe("null: no party of the environment ran that quarter"),
});
const DeadlinePointSchema = z.object({
  quarter: z.string(),
  at: nullable(instant).describe("The quarter's end, or now for the quarter under way"),
  servers: count,
  withinDeadline: count,
  share: nullable(z.number()).describe("null: no servers then"),
});
const days = nullable(z.number().int().min(1).max(365)).describe("Days from when a scan first found the update; null: no deadline");
export const DeadlinesAnswerSchema = z.object({
  criticalDays: days,
  highDays: days,
  mediumDays: days,
  lowDays: days,
  unratedDays: days.describe("Security updates the package manager does not rate (Debian's apt)"),
  revision: count.describe("Send it back with a change: a stale one is refused with 409"),
});
export const ComplianceSchema = z.object({
  quarters: z.object({ production: nullable(z.string()), nonProduction: nullable(z.string()) }).describe("The latest parties' tags"),
  totals: z.object({ resources: count, patched: count, share: nullable(z.number()) }),
  byTeam: z.array(z.object({ team: z.string(), environment, resources: count, patched: count, share: nullable(z.number()) })),
  neverPatched: z.object({ count, resources: z.array(z.string()) }),
  longExcluded: z.object({ count, resources: z.array(z.object({ name: z.string(), missed: count, reason: nullable(z.string()) })) }),
  failedLastTime: z.object({ count, resources: z.array(z.object({ name: z.string(), at: instant, message: nullable(z.string()) })) }),
  trend: z
    .object({
      quarters: z.array(z.string()).describe("The last eight quarters, oldest first"),
      production: z.array(TrendPointSchema),
      nonProduction: z.array(TrendPointSchema),
      withinDeadline: z
        .object({ production: z.array(DeadlinePointSchema), nonProduction: z.array(DeadlinePointSchema), all: z.array(DeadlinePointSchema) })
        .describe("The share of servers with no update past its deadline at each quarter's end (now, for the quarter under way)"),
    })
    .describe("Share patched per quarter and environment: each party over the resources of its environment that existed when it ended"),
  deadlines: z.object({
    rules: DeadlinesAnswerSchema,
    overdue: z
      .array(
        z.object({
          team: z.string(),
          environment,
          servers: count.describe("Servers of the team and environment past a deadline"),
          excluded: count.describe("Of them, excluded ones: an exclusion does not stop the clock"),
          resources: z
            .array(
              z.object({
                name: z.string(),
                excluded: z.boolean(),
                exclusionReason: nullable(z.string()),
                package: z.string().describe("The worst overdue update: past its deadline the longest"),
                severity: nullable(z.enum(["critical", "high", "medium", "low"])).describe("null: a security update the package manager does not rate"),
                security: z.boolean(),
                advisories: z.array(z.string()),
                due: instant,
                daysOverdue: count,
                overdueUpdates: count,
              }),
            )
            .describe("The most overdue first, at most 50"),
        }),
      )
      .describe("Per team and environment, the servers with an update past its deadline"),
  }),
});

// ---- executions ----
const executionFields = {
  key: z.string(),
  executor: z.string(),
  state: z.enum(EXECUTION_STATES),
  member: z.string(),
  resource: nullable(z.string()),
  address: nullable(z.string()),
  party: nullable(z.object({ tag: z.string(), kind: partyKind, group: z.number().int() })),
  template: nullable(z.object({ id: z.string(), name: z.string() })),
  fromVersion: z.string(),
  toVersion: z.string(),
  createdAt: instant,
  startedAt: nullable(instant),
  finishedAt: nullable(instant),
  deadline: instant,
  exitStatus: nullable(z.number().int()),
  packages: z.array(z.object({ name: z.string(), from: nullable(z.string()), to: nullable(z.string()) })),
  rebootRequired: nullable(z.boolean()),
  rebooted: nullable(z.boolean()),
  healthCheck: nullable(z.enum(["passed", "failed"])),
  message: nullable(z.string()),
  reportedBy: nullable(z.string()),
};
export const ExecutionSummarySchema = z.object(executionFields);
export const ExecutionAnswerSchema = z.object({ ...executionFields, output: nullable(z.string()).describe("The last 64 kB, secrets redacted") });
export const ExecutionPageSchema = z.object({ items: z.array(ExecutionSummarySchema), nextCursor: nullable(z.string()) });

// ---- people ----
export const UserAnswerSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["viewer", "owner", "approver", "admin", "executor"]),
  teams: z.array(z.string()),
  signsInWithPassword: z.boolean(),
  twoFactor: z.boolean(),
  lockedUntil: nullable(instant),
});
export const UserPageSchema = z.object({ users: z.array(UserAnswerSchema), next: nullable(z.string()).describe("Pass as `after` for the next page") });
export const RoleChangedSchema = z.object({ id: z.string(), role: UserAnswerSchema.shape.role, changed: z.boolean(), sessionsEnded: z.boolean() });
export const SignedOutSchema = z.object({ id: z.string(), sessionsEnded: z.literal(true) });
export const UnlockedSchema = z.object({ id: z.string(), wasLocked: z.boolean() });

// ---- event webhooks ----
export const WebhookAnswerSchema = z.object({
  id: z.string(),
  url: z.string().describe("A Slack or Teams URL is itself a credential: shown as its host and last characters only"),
  kind: z.enum(["standard", "slack", "teams"]),
  events: z.array(z.string()).describe('Event types, or ["*"] for all'),
  description: z.string(),
  paused: nullable(z.object({ at: instant, reason: z.string() })).describe("Paused by an admin, or after failing too long: nothing is sent"),
  failuresInARow: z.number().int(),
  createdBy: nullable(z.string()).describe("Who registered it (told when it is paused)"),
  revision: z.number().int(),
  createdAt: instant,
});
export const WebhookCreatedSchema = WebhookAnswerSchema.extend({
  secret: z
    .string()
    .regex(/^whsec_/)
    .optional()
    .describe("A standard endpoint's signing secret: in this answer only, never again"),
});
export const WebhookListSchema = z.object({ items: z.array(WebhookAnswerSchema) });
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string().describe("The webhook-id header: the same on every try and resend"),
  type: z.string(),
  state: z.enum(["pending", "sending", "delivered", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: nullable(instant),
  lastAttemptAt: nullable(instant),
  lastStatus: nullable(z.number().int()).describe("The receiver's last status code; null: no answer"),
  lastAnswer: nullable(z.string()).describe("The first 500 characters of its last answer, or what went wrong"),
  deliveredAt: nullable(instant),
  createdAt: instant,
});
export const WebhookDeliveryPageSchema = z.object({
  items: z.array(WebhookDeliverySchema),
  next: nullable(z.string()).describe("Pass as `cursor` for the next page"),
});

/** The OpenAPI document itself (not described field by field: the OpenAPI 3.1 specification does). */
export const OpenApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) });

// ---- the builders' results must fit (a changed builder fails the type check here) ----
type Fits<S extends z.ZodType, T extends z.input<S>> = T;
export type BuildersFit = [
  Fits<typeof PartySchema, ReturnType<typeof partyJson>>,
  Fits<typeof PartyDetailSchema, ReturnType<typeof partyWithCountsJson>>,
  Fits<typeof PartyForecastSchema, ReturnType<typeof partyForecastJson>>,
  Fits<typeof FreezeAnswerSchema, ReturnType<typeof freezeJson>>,
  Fits<typeof TemplateSummarySchema, ReturnType<typeof templateSummaryJson>>,
  Fits<typeof TemplateAnswerSchema, ReturnType<typeof templateJson>>,
  Fits<typeof MemberPageSchema.shape.members.element, ReturnType<typeof memberJson>>,
  Fits<typeof MemberEventPageSchema.shape.events.element, ReturnType<typeof memberEventJson>>,
  Fits<typeof TemplatePlanAnswerSchema, ReturnType<typeof templatePlanJson>>,
  Fits<typeof WebhookAnswerSchema, ReturnType<typeof webhookJson>>,
  Fits<typeof WebhookDeliverySchema, ReturnType<typeof deliveryJson>>,
  Fits<typeof ServerUpdatesSchema, ReturnType<typeof serverUpdatesJson>>,
];
// Builders whose results are wider as types than as values (a JSON column, a role, state or
// environment as text): the integration tests' checks of every answer hold them to the schema instead.
export type BuildersCheckedAtRunTime = [
  typeof changeJson,
  typeof policyJson,
  typeof userJson,
  typeof resourceListJson,
  typeof resourceJson,
  typeof executionSummaryJson,
  typeof executionJson,
];
