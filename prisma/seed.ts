// Demo data: a believable fleet of about 2,000 resources over 12 teams, two years of past
// parties with outcomes and two years ahead. Deterministic, and running it twice changes nothing.
import type { Environment, OutcomeStatus, ResourceKind } from "@prisma/client";
import { hashPassword } from "../lib/auth/password";
import { db } from "../lib/db";
import { decideChange, openPartyChange, openTemplateChange } from "../lib/data/change-requests";
import { planNotices, planTemplateNotices } from "../lib/data/notifications";
import { generateParties } from "../lib/data/parties";
import { recordScan } from "../lib/data/updates";
import { reconcileTemplate } from "../lib/data/template-members";
import type { Severity, UpdateReport } from "../lib/domain/updates";
import { announceDueAt } from "../lib/domain/notices";
import { assignClusterGroups, CLEANROOM_COMPONENTS, scheduleRules, type PatchGroup, type ScheduleSpec } from "../lib/domain";

export const DEMO_PASSWORD = "patchparty";

export const DEMO_USERS = [
  { email: "viewer@example.com", name: "Vera Viewer", role: "VIEWER" },
  { email: "owner@example.com", name: "Omar Owner", role: "OWNER" },
  { email: "approver@example.com", name: "Ada Approver", role: "APPROVER" },
  { email: "admin@example.com", name: "Alex Admin", role: "ADMIN" },
] as const;

export const DEMO_TEAMS = [
  ["payments", "Payments"],
  ["identity", "Identity"],
  ["data-platform", "Data Platform"],
  ["messaging", "Messaging"],
  ["storage", "Storage"],
  ["observability", "Observability"],
  ["web", "Web Frontend"],
  ["billing", "Billing"],
  ["search", "Search"],
  ["network", "Networking"],
  ["analytics", "Analytics"],
  ["core-infra", "Core Infrastructure"],
] as const;

const SERVICE_SUFFIXES = ["api", "portal", "worker", "gateway", "core", "sync", "reports"];

const KIND_CODES: Record<ResourceKind, string> = {
  SERVER: "srv",
  VM: "vm",
  HYPERVISOR: "hv",
  CONTAINER_NODE: "k8s",
  DATABASE_NODE: "db",
  BROKER_NODE: "mq",
  STORAGE_NODE: "st",
  VIRTUAL_APPLIANCE: "va",
};

const CLUSTERED: ResourceKind[] = ["CONTAINER_NODE", "DATABASE_NODE", "BROKER_NODE", "STORAGE_NODE"];
const STANDALONE: ResourceKind[] = ["SERVER", "VM", "VM", "VM", "HYPERVISOR", "VIRTUAL_APPLIANCE"];

const EXCLUSION_REASONS = [
  "Vendor support case open: kernel update breaks the storage driver",
  "Quarter-end closing: no reboot before the 5th",
  "Decommissioning planned this quarter",
  "Application certified on the current OS patch level only",
  "Customer freeze requested for a product launch",
  "Waiting for a firmware update from the vendor",
];

const FAILURE_MESSAGES = [
  "Reboot timed out after 15 minutes",
  "Package conflict: libssl3 held back",
  "Not enough disk space on /var",
  "Health check failed after reboot",
];

const TAGS = ["pci", "gdpr", "critical", "internal", "customer-facing", "legacy", "linux", "windows"];

/** Small deterministic PRNG (mulberry32), so every run builds the same fleet. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

/** The remote-access platform of seeds/004 as a fleet with an ordered upgrade plan. */
const ACCESS_FLEET: { name: string; service: string; kind: ResourceKind; component: string; cluster?: string; role?: "primary" | "secondary" }[] = [
  ...[1, 2, 3, 4].map((i) => ({ name: `prd-access-client-0${i}`, service: "access-client", kind: "VM" as const, component: "clients" })),
  ...[1, 2, 3].map((i) => ({ name: `prd-access-agent-0${i}`, service: "access-recording-agent", kind: "SERVER" as const, component: "agents" })),
  {
    name: "prd-access-mc-1",
    service: "access-mediation-controller",
    kind: "VIRTUAL_APPLIANCE",
    component: "controllers",
    cluster: "prd-access-mc",
    role: "primary",
  },
  {
    name: "prd-access-mc-2",
    service: "access-mediation-controller",
    kind: "VIRTUAL_APPLIANCE",
    component: "controllers",
    cluster: "prd-access-mc",
    role: "secondary",
  },
  { name: "prd-access-edge-1", service: "access-edge-gateway", kind: "VIRTUAL_APPLIANCE", component: "gateways", cluster: "prd-access-edge", role: "primary" },
  {
    name: "prd-access-edge-2",
    service: "access-edge-gateway",
    kind: "VIRTUAL_APPLIANCE",
    component: "gateways",
    cluster: "prd-access-edge",
    role: "secondary",
  },
  ...[1, 2].map((i) => ({ name: `prd-access-html5-0${i}`, service: "access-html5-gateway", kind: "VIRTUAL_APPLIANCE" as const, component: "gateways" })),
];

type PlannedResource = {
  name: string;
  kind: ResourceKind;
  environment: Environment;
  team: string;
  service: string;
  cluster: string | null;
  clusterRole: string | null;
  patchGroup: PatchGroup;
  tags: string[];
  version: string;
  exclusion: { reason: string; daysAgo: number } | null;
};

function planFleet(): { services: { name: string; team: string }[]; clusters: string[]; resources: PlannedResource[] } {
  const rng = random(20221);
  const services: { name: string; team: string }[] = [];
  const clusters: string[] = [];
  const resources: PlannedResource[] = [];
  const add = (r: Omit<PlannedResource, "tags" | "version" | "exclusion">) => {
    const tags = TAGS.filter(() => rng.chance(0.18));
    const excluded = rng.chance(r.environment === "PRODUCTION" ? 0.03 : 0.04);
    resources.push({
      ...r,
      tags,
      version: `${rng.int(1, 3)}.${rng.int(0, 9)}.${rng.int(0, 20)}`,
      exclusion: excluded ? { reason: rng.pick(EXCLUSION_REASONS), daysAgo: rng.int(3, 300) } : null,
    });
  };
  for (const [slug] of DEMO_TEAMS) {
    const serviceCount = rng.int(3, 5);
    for (let s = 0; s < serviceCount; s++) {
      const service = `${slug}-${SERVICE_SUFFIXES[s % SERVICE_SUFFIXES.length]}`;
      services.push({ name: service, team: slug });
      for (const environment of ["PRODUCTION", "NON_PRODUCTION"] as const) {
        const env = environment === "PRODUCTION" ? "prd" : "qa";
        // Clusters of 2–5 nodes, groups spread so the cluster stays available.
        const clusterCount = rng.int(1, 3);
        for (let c = 1; c <= clusterCount; c++) {
          const kind = rng.pick(CLUSTERED);
          const cluster = `${env}-${service}-${KIND_CODES[kind]}-c${c}`;
          clusters.push(cluster);
          const size = rng.int(2, 5);
          const groups = assignClusterGroups(Array.from({ length: size }, (_, i) => ({ id: String(i), group: null })));
          for (let n = 0; n < size; n++) {
            add({
              name: `${cluster}-n${n + 1}`,
              kind,
              environment,
              team: slug,
              service,
              cluster,
              clusterRole: n === 0 ? "primary" : "secondary",
              patchGroup: groups.get(String(n)) ?? 1,
            });
          }
        }
        const standalone = rng.int(environment === "PRODUCTION" ? 11 : 7, environment === "PRODUCTION" ? 21 : 14);
        for (let i = 1; i <= standalone; i++) {
          const kind = rng.pick(STANDALONE);
          add({
            name: `${env}-${service}-${KIND_CODES[kind]}-${String(i).padStart(2, "0")}`,
            kind,
            environment,
            team: slug,
            service,
            cluster: null,
            clusterRole: null,
            patchGroup: (((i - 1) % 3) + 1) as PatchGroup,
          });
        }
      }
    }
  }
  // The remote-access platform of seeds/004, a fleet with an ordered upgrade plan (seedAccessPlatform).
  for (const service of new Set(ACCESS_FLEET.map((r) => r.service))) services.push({ name: service, team: "network" });
  clusters.push("prd-access-mc", "prd-access-edge");
  ACCESS_FLEET.forEach((r, i) =>
    resources.push({
      name: r.name,
      kind: r.kind,
      environment: "PRODUCTION",
      team: "network",
      service: r.service,
      cluster: r.cluster ?? null,
      clusterRole: r.role ?? null,
      // A cluster's two nodes in different groups; the rest spread over the three.
      patchGroup: r.role ? (r.role === "secondary" ? 1 : 2) : (((i % 3) + 1) as PatchGroup),
      tags: [`component:${r.component}`, "cleanroom"],
      version: "4.2.0",
      exclusion: null,
    }),
  );
  return { services, clusters, resources };
}

const DAY = 86_400_000;

export async function seedDemoData(now: Date, log: (line: string) => void = () => {}) {
  const started = Date.now();
  const rng = random(42);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  // First: from the moment a demo user exists, the portal says outcomes are simulated, and the
  // simulated executor may be the default (lib/rollout/executors.ts).
  await db.installation.upsert({ where: { id: "default" }, create: { id: "default", demoData: true }, update: { demoData: true } });
  await db.team.createMany({ data: DEMO_TEAMS.map(([slug, name]) => ({ slug, name })), skipDuplicates: true });
  const teams = new Map((await db.team.findMany({ select: { id: true, slug: true } })).map((t) => [t.slug, t.id]));
  const teamId = (slug: string) => teams.get(slug) ?? "";

  await db.user.createMany({
    data: [
      ...DEMO_USERS.map((u) => ({ ...u, passwordHash })),
      ...DEMO_TEAMS.map(([slug, name]) => ({ email: `owner.${slug}@example.com`, name: `${name} owner`, role: "OWNER" as const, passwordHash })),
    ],
    skipDuplicates: true,
  });
  const users = new Map((await db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email, u.id]));
  await db.teamMembership.createMany({
    data: [
      { userId: users.get("owner@example.com") ?? "", teamId: teamId("payments") },
      { userId: users.get("owner@example.com") ?? "", teamId: teamId("identity") },
      ...DEMO_TEAMS.map(([slug]) => ({ userId: users.get(`owner.${slug}@example.com`) ?? "", teamId: teamId(slug) })),
    ],
    skipDuplicates: true,
  });
  await db.teamContact.createMany({
    data: DEMO_TEAMS.flatMap(([slug, name]) => [
      { teamId: teamId(slug), name: `${name} service desk`, email: `${slug}-desk@customer.example.com` },
      { teamId: teamId(slug), name: `${name} on-call`, email: `${slug}-oncall@example.com` },
    ]),
    skipDuplicates: true,
  });

  const fleet = planFleet();
  await db.service.createMany({ data: fleet.services.map((s) => ({ name: s.name, teamId: teamId(s.team) })), skipDuplicates: true });
  await db.cluster.createMany({ data: fleet.clusters.map((name) => ({ name })), skipDuplicates: true });
  const services = new Map((await db.service.findMany({ select: { id: true, name: true } })).map((s) => [s.name, s.id]));
  const clusters = new Map((await db.cluster.findMany({ select: { id: true, name: true } })).map((c) => [c.name, c.id]));
  const ownerOf = (team: string) => users.get(team === "payments" ? "owner@example.com" : `owner.${team}@example.com`) ?? null;

  const inserted = await db.resource.createMany({
    data: fleet.resources.map((r) => ({
      name: r.name,
      kind: r.kind,
      environment: r.environment,
      teamId: teamId(r.team),
      serviceId: services.get(r.service) ?? "",
      clusterId: r.cluster ? (clusters.get(r.cluster) ?? null) : null,
      clusterRole: r.clusterRole,
      patchGroup: r.patchGroup,
      tags: r.tags,
      version: r.version,
      excluded: r.exclusion !== null,
      excludedById: r.exclusion ? ownerOf(r.team) : null,
      excludedAt: r.exclusion ? new Date(now.getTime() - r.exclusion.daysAgo * DAY) : null,
      exclusionReason: r.exclusion?.reason ?? null,
      createdAt: new Date(now.getTime() - 3 * 365 * DAY),
    })),
    skipDuplicates: true,
  });
  const resources = await db.resource.findMany({
    select: {
      id: true,
      name: true,
      environment: true,
      patchGroup: true,
      excluded: true,
      excludedAt: true,
      exclusionReason: true,
      excludedById: true,
      team: { select: { slug: true } },
    },
  });
  await db.exclusionEvent.createMany({
    data: resources
      .filter((r) => r.excluded && r.excludedAt)
      .map((r) => ({
        id: `seed-exclusion-${r.id}`,
        resourceId: r.id,
        action: "EXCLUDE" as const,
        reason: r.exclusionReason,
        actorId: r.excludedById,
        actorLabel: r.team.slug === "payments" ? "owner@example.com" : `owner.${r.team.slug}@example.com`,
        at: r.excludedAt ?? now,
      })),
    skipDuplicates: true,
  });

  const generated = await generateParties(
    new Date(now.getTime() - 730 * DAY),
    new Date(now.getTime() + 730 * DAY),
    now,
    { id: null, label: "seed" },
    { includePast: true },
  );

  // Outcomes of every party that has ended: most patched, a few failures, excluded ones skipped.
  const past = await db.party.findMany({ where: { endsAt: { lte: now } }, include: { slots: true }, orderBy: { startsAt: "asc" } });
  const outcomes: { resourceId: string; partyId: string; group: number; status: OutcomeStatus; message: string | null; startedAt: Date; finishedAt: Date }[] =
    [];
  for (const party of past) {
    const environment = party.kind === "PRODUCTION" ? "PRODUCTION" : "NON_PRODUCTION";
    for (const resource of resources) {
      if (resource.environment !== environment) continue;
      const slot = party.slots.find((s) => s.group === resource.patchGroup);
      if (!slot) continue;
      const skipped = resource.excluded && resource.excludedAt !== null && resource.excludedAt < party.startsAt;
      const failed = !skipped && rng.chance(party.kind === "QA" ? 0.04 : 0.015);
      const startedAt = new Date(slot.startsAt.getTime() + rng.int(0, 90) * 60_000);
      outcomes.push({
        resourceId: resource.id,
        partyId: party.id,
        group: resource.patchGroup,
        status: skipped ? "SKIPPED" : failed ? "FAILED" : "PATCHED",
        message: skipped ? "Excluded from the Patch Party" : failed ? rng.pick(FAILURE_MESSAGES) : null,
        startedAt,
        finishedAt: new Date(startedAt.getTime() + rng.int(4, 40) * 60_000),
      });
    }
  }
  let outcomesInserted = 0;
  for (let i = 0; i < outcomes.length; i += 5_000) {
    outcomesInserted += (await db.patchOutcome.createMany({ data: outcomes.slice(i, i + 5_000), skipDuplicates: true })).count;
  }
  // The list filters on the latest outcome, so keep it on the resource.
  await db.$executeRaw`
    UPDATE "Resource" r SET "lastOutcome" = o.status, "lastPatchedAt" = p."finishedAt", "lastPatchTag" = p.tag
    FROM (SELECT DISTINCT ON ("resourceId") "resourceId", status FROM "PatchOutcome" ORDER BY "resourceId", "finishedAt" DESC) o
    LEFT JOIN LATERAL (
      SELECT po."finishedAt", pa.tag FROM "PatchOutcome" po JOIN "Party" pa ON pa.id = po."partyId"
      WHERE po."resourceId" = o."resourceId" AND po.status = 'PATCHED' ORDER BY po."finishedAt" DESC LIMIT 1
    ) p ON true
    WHERE r.id = o."resourceId"
      AND (r."lastOutcome" IS DISTINCT FROM o.status OR r."lastPatchedAt" IS DISTINCT FROM p."finishedAt" OR r."lastPatchTag" IS DISTINCT FROM p.tag)`;

  await seedMaintenance(now, rng);
  await seedAccessPlatform(now);
  await seedChangeRequest(now);
  await seedNotices(now);
  await seedUpdateScans(now);

  log(
    `Demo data: ${inserted.count} resources, ${generated.created} parties, ${outcomesInserted} outcomes added ` +
      `(${resources.length} resources in all) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return { resources: inserted.count, parties: generated.created, outcomes: outcomesInserted };
}

const DEMO_POLICIES: { name: string; tags: string[]; schedules: { name: string; spec: ScheduleSpec; windowHours: number }[] }[] = [
  {
    name: "Container platform",
    tags: ["kubernetes", "all-regions"],
    schedules: [
      { name: "Sunday night", spec: { preset: "weekly-sunday" }, windowHours: 6 },
      {
        name: "Wednesday early",
        spec: { preset: "custom", custom: { minutes: [0], hours: [2], weekdays: [3], monthDays: "every", months: "every" } },
        windowHours: 3,
      },
    ],
  },
  { name: "Managed databases", tags: ["paas", "databases"], schedules: [{ name: "First of the month", spec: { preset: "monthly-1st" }, windowHours: 4 }] },
  { name: "Message brokers", tags: ["paas", "messaging"], schedules: [{ name: "Every other Sunday", spec: { preset: "biweekly" }, windowHours: 8 }] },
  {
    name: "Remote access weekends",
    tags: ["cleanroom", "remote-access"],
    schedules: [
      {
        name: "Saturday night",
        spec: { preset: "custom", custom: { minutes: [0], hours: [22], weekdays: [6], monthDays: "every", months: "every" } },
        windowHours: 6,
      },
    ],
  },
  { name: "Quarter-end freeze (unused)", tags: ["example"], schedules: [{ name: "Every two months", spec: { preset: "bimonthly-1st" }, windowHours: 2 }] },
];

/**
 * Where a demo schedule's recurrence starts: the 1st of this month, except every other Sunday
 * (the Kafka brokers', whose retry the CAB approved "in the next window"): its fortnight starts on
 * the first Sunday a week or more ahead, so that retry waits 7 to 13 days whatever day the demo is
 * seeded, and the demo shows a partially applied template for a week.
 */
export function demoScheduleStart(preset: ScheduleSpec["preset"], now: Date): Date {
  if (preset !== "biweekly") return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const weekOn = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7));
  const sunday = new Date(weekOn.getTime() + ((7 - weekOn.getUTCDay()) % 7) * DAY);
  return sunday < new Date(now.getTime() + 7 * DAY) ? new Date(sunday.getTime() + 7 * DAY) : sunday;
}

/** Policies and three fleet templates: one waiting for its window, one in sync, one partially applied. */
async function seedMaintenance(now: Date, rng: ReturnType<typeof random>) {
  for (const p of DEMO_POLICIES) {
    if (await db.maintenancePolicy.findUnique({ where: { name: p.name }, select: { id: true } })) continue;
    await db.maintenancePolicy.create({
      data: {
        name: p.name,
        tags: p.tags,
        schedules: {
          create: p.schedules.map((s) => ({
            name: s.name,
            preset: s.spec.preset,
            custom: s.spec.preset === "custom" ? s.spec.custom : undefined,
            recurrence: scheduleRules(s.spec, demoScheduleStart(s.spec.preset, now)).join("\n---\n"),
            windowHours: s.windowHours,
          })),
        },
      },
    });
  }
  const policies = new Map((await db.maintenancePolicy.findMany({ select: { id: true, name: true } })).map((p) => [p.name, p.id]));
  const clustersOf = async (kind: ResourceKind) =>
    (
      await db.$queryRaw<
        { id: string }[]
      >`SELECT DISTINCT "clusterId" AS id FROM "Resource" WHERE kind = ${kind}::"ResourceKind" AND "clusterId" IS NOT NULL ORDER BY 1`
    ).map((c) => c.id);
  const templates: { name: string; policy: string; kind: ResourceKind; from: string; to: string; done: number }[] = [
    { name: "Kubernetes clusters", policy: "Container platform", kind: "CONTAINER_NODE", from: "1.30.6", to: "1.31.2", done: 0 },
    { name: "PostgreSQL clusters", policy: "Managed databases", kind: "DATABASE_NODE", from: "17.2", to: "17.2", done: 1 },
    { name: "Kafka clusters", policy: "Message brokers", kind: "BROKER_NODE", from: "3.8.1", to: "3.9.0", done: 0.7 },
  ];
  for (const t of templates) {
    if (await db.template.findUnique({ where: { name: t.name }, select: { id: true } })) continue;
    const clusters = await clustersOf(t.kind);
    if (clusters.length === 0) continue;
    const upgraded = Math.round(clusters.length * t.done);
    const partial = upgraded > 0 && upgraded < clusters.length;
    const template = await db.template.create({
      data: {
        name: t.name,
        policyId: policies.get(t.policy) ?? "",
        targetVersion: t.to,
        // The pending upgrade was set just now: its first window is one to come, never the one open as the demo starts.
        targetSetAt: partial ? new Date(now.getTime() - 20 * DAY) : now,
        concurrency: 5,
        state: t.from === t.to ? "IN_SYNC" : partial ? "PARTIALLY_APPLIED" : "PENDING",
        members: {
          create: clusters.map((clusterId, i) => ({
            clusterId,
            currentVersion: i < upgraded ? t.to : t.from,
            state: i < upgraded || t.from === t.to ? "IN_SYNC" : partial && rng.chance(0.3) ? "FAILED" : "PENDING",
          })),
        },
      },
      select: { id: true, members: { select: { id: true, currentVersion: true, state: true } } },
    });
    if (!partial) continue;
    // The window that fell short, fourteen days ago.
    const windowStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 14));
    const run = await db.upgradeRun.create({
      data: { templateId: template.id, version: t.to, windowStart, windowEnd: new Date(windowStart.getTime() + 8 * 3_600_000), state: "PARTIAL" },
    });
    await db.upgradeAttempt.createMany({
      data: template.members
        .filter((m) => m.currentVersion === t.to || m.state === "FAILED")
        .map((m, i) => ({
          runId: run.id,
          memberId: m.id,
          fromVersion: t.from,
          toVersion: t.to,
          status: m.currentVersion === t.to ? ("SUCCEEDED" as const) : ("FAILED" as const),
          message: m.currentVersion === t.to ? null : "The broker did not rejoin the cluster within 10 minutes.",
          startedAt: new Date(windowStart.getTime() + i * 300_000),
          finishedAt: new Date(windowStart.getTime() + i * 300_000 + 240_000),
        })),
    });
    await db.templateMember.updateMany({
      where: { templateId: template.id, state: "FAILED" },
      data: { lastError: "The broker did not rejoin the cluster within 10 minutes." },
    });
    await db.templateMember.updateMany({
      where: { templateId: template.id, OR: [{ state: "FAILED" }, { currentVersion: t.to }] },
      data: { lastAttemptAt: windowStart },
    });
  }
}

/** A fleet by query (issue 21): every server tagged "cleanroom" is a member, and joins or leaves as the fleet changes. */
async function seedAccessPlatform(now: Date) {
  if (await db.template.findUnique({ where: { name: "Secure access platform" }, select: { id: true } })) return;
  const policy = await db.maintenancePolicy.findUnique({ where: { name: "Remote access weekends" }, select: { id: true } });
  if (!policy) return;
  const template = await db.template.create({
    data: {
      name: "Secure access platform",
      policyId: policy.id,
      targetVersion: "4.2.0",
      concurrency: 4,
      planComponents: CLEANROOM_COMPONENTS,
      memberQuery: { tag: ["cleanroom"] },
    },
    select: { id: true },
  });
  // Its servers run 4.2.0 (their recorded version): they join in sync.
  await reconcileTemplate(template.id, now);
}

/**
 * Change requests: the next production party's and the Kubernetes upgrade's wait for the CAB;
 * the Kafka upgrade (which already ran once) was approved.
 */
async function seedChangeRequest(now: Date) {
  const person = async (email: string, role: "ADMIN" | "APPROVER") => {
    const row = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true } });
    return row ? { ...row, role, teamIds: [] } : null;
  };
  const [admin, approver] = [await person("admin@example.com", "ADMIN"), await person("approver@example.com", "APPROVER")];
  if (!admin || !approver) return;
  const party = await db.party.findFirst({ where: { kind: "PRODUCTION", startsAt: { gt: now } }, orderBy: { startsAt: "asc" }, select: { tag: true } });
  if (party) {
    const opened = await openPartyChange(admin, party.tag, now);
    if (opened.ok) await decideChange(admin, opened.value.id, "submit", {}, now);
  }
  for (const [name, approve] of [
    ["Kubernetes clusters", false],
    ["Kafka clusters", true],
  ] as const) {
    const template = await db.template.findUnique({ where: { name }, select: { id: true } });
    const opened = template ? await openTemplateChange(admin, template.id, now) : null;
    if (!opened?.ok) continue;
    await decideChange(admin, opened.value.id, "submit", {}, now);
    if (approve) await decideChange(approver, opened.value.id, "approve", { comment: "CAB: approved; retry the failed brokers in the next window." }, now);
  }
}

type DemoUpdate = [pkg: string, installed: string, candidate: string, security: boolean, severity: Severity | null, advisories: string[]];

// What Debian 12 and RHEL 9 servers had pending one week in late 2026, as their package managers list it.
const APT_UPDATES: DemoUpdate[] = [
  ["openssl", "3.0.14-1~deb12u2", "3.0.15-1~deb12u1", true, null, ["DSA-5786-1", "CVE-2024-5535", "CVE-2024-9143"]],
  ["libssl3", "3.0.14-1~deb12u2", "3.0.15-1~deb12u1", true, null, ["DSA-5786-1", "CVE-2024-5535"]],
  ["openssh-server", "1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u5", true, null, ["DSA-5865-1", "CVE-2025-26465"]],
  ["libc6", "2.36-9+deb12u8", "2.36-9+deb12u9", true, null, ["DSA-5806-1", "CVE-2025-0395"]],
  ["curl", "7.88.1-10+deb12u8", "7.88.1-10+deb12u12", true, null, ["CVE-2024-11053"]],
  ["linux-image-amd64", "6.1.119-1", "6.1.123-1", true, null, ["DSA-5860-1"]],
  ["tzdata", "2024a-0+deb12u1", "2025a-0+deb12u1", false, null, []],
  ["ca-certificates", "20230311", "20230311+deb12u1", false, null, []],
  ["vim-tiny", "2:9.0.1378-2", "2:9.0.1378-2+deb12u2", false, null, []],
  ["systemd", "252.31-1~deb12u1", "252.33-1~deb12u1", false, null, []],
];
const DNF_UPDATES: DemoUpdate[] = [
  ["openssl-libs", "1:3.0.7-27.el9", "1:3.0.7-29.el9_4", true, "medium", ["RHSA-2024:9333", "CVE-2024-5535"]],
  ["kernel", "5.14.0-427.13.1.el9_4", "5.14.0-503.22.1.el9_5", true, "high", ["RHSA-2025:0065", "CVE-2024-53104"]],
  ["glibc", "2.34-100.el9_4.2", "2.34-125.el9_5.1", true, "critical", ["RHSA-2025:0394", "CVE-2025-0395"]],
  ["rsync", "3.2.3-19.el9", "3.2.3-20.el9_5.1", true, "high", ["RHSA-2025:0325", "CVE-2024-12084", "CVE-2024-12085"]],
  ["python3-urllib3", "1.26.5-5.el9", "1.26.5-5.el9_4.1", true, "low", ["RHSA-2024:4623"]],
  ["tzdata", "2024a-1.el9", "2025a-1.el9", false, null, []],
  ["NetworkManager", "1:1.46.0-8.el9_4", "1:1.48.10-5.el9_5", false, null, []],
];

/**
 * Pending updates on three dozen servers and VMs, as scans found them (source "demo"): two scans
 * each, three weeks apart, so some updates have waited longer than others; a few wait for a
 * reboot. Servers scanned already are left alone, so running the seed again changes nothing.
 */
async function seedUpdateScans(now: Date) {
  const rng = random(2020);
  const candidates = await db.resource.findMany({
    where: { kind: { in: ["SERVER", "VM"] }, team: { slug: { in: DEMO_TEAMS.map(([slug]) => slug) } } },
    select: { id: true, updateScan: { select: { scannedAt: true } } },
    orderBy: { name: "asc" },
  });
  // The same three dozen every time; on a second run they are scanned already.
  const chosen = candidates.filter((_, i) => i % 25 === 3).slice(0, 36);
  const report = (updates: DemoUpdate[], rebootRequired: boolean, apt: boolean): UpdateReport => ({
    packageManager: apt ? "apt" : "dnf",
    release: apt ? "debian 12" : "rhel 9.4",
    rebootRequired,
    updates: updates.map(([pkg, installed, candidate, security, severity, advisories]) => ({
      package: pkg,
      installed,
      candidate,
      security,
      severity,
      advisories,
    })),
  });
  for (const [i, resource] of chosen.entries()) {
    if (resource.updateScan) continue;
    const apt = i % 3 !== 2;
    const pool = apt ? APT_UPDATES : DNF_UPDATES;
    // Every fourth server is up to date; the others have a few, security ones included.
    const pending = i % 4 === 1 ? [] : pool.filter(() => rng.chance(0.45));
    const older = pending.filter(() => rng.chance(0.5));
    const reboot = i % 9 === 0 || (pending.some(([pkg]) => pkg.startsWith("linux-image") || pkg === "kernel") && rng.chance(0.3));
    await recordScan(resource.id, report(older, false, apt), "demo", new Date(now.getTime() - 21 * DAY));
    await recordScan(resource.id, report(pending, reboot, apt), "demo", new Date(now.getTime() - rng.int(1, 20) * 3_600_000));
  }
}

/**
 * The announcements of production parties within two weeks either way (to come, under way on their
 * day, or just over), as if sent on day −14; those of pending fleet upgrades. Seeded on a party's
 * own day, its announcement was sent all the same.
 */
async function seedNotices(now: Date) {
  const soon = await db.party.findMany({
    where: { kind: "PRODUCTION", status: { not: "CANCELLED" }, startsAt: { gt: new Date(now.getTime() - 14 * DAY), lte: new Date(now.getTime() + 15 * DAY) } },
    select: { id: true, startsAt: true },
  });
  for (const party of soon) {
    const due = announceDueAt(party.startsAt);
    if (due > now) continue;
    await planNotices(due);
    await db.notification.updateMany({ where: { partyId: party.id, kind: "announce", state: "PENDING" }, data: { state: "SENT", sentAt: due, attempts: 1 } });
  }
  // The demo's pending fleet upgrades were set today: their customers are told now, at short notice.
  await planTemplateNotices(now);
}

export async function isEmpty() {
  return (await db.user.count()) === 0;
}

export type SeedMode = "auto" | "demo" | "never";

export const FIRST_ADMIN_HINT = "Make the first admin with: npm run user:add -- <email> --role admin (it prints the password).";

/**
 * Start-up's rule for the demo data (PATCHPARTY_SEED): `auto` loads it into the embedded default
 * database only, `demo` into any database, `never` nowhere; and only into an empty one. A real
 * installation's database (DATABASE_URL) so starts empty: no demo users with a published password,
 * no made-up outcomes.
 */
export function wantsDemoData(mode: SeedMode, embedded: boolean): boolean {
  return mode === "demo" || (mode === "auto" && embedded);
}

/** Applies the rule at start-up; says what it did, and how to make the first user when there is none. */
export async function seedOnStart(mode: SeedMode, embedded: boolean, now: Date, log: (line: string) => void): Promise<"seeded" | "empty" | "in-use"> {
  if (!(await isEmpty())) return "in-use";
  if (wantsDemoData(mode, embedded)) {
    log("The database is empty: loading the demo data.");
    await seedDemoData(now, log);
    return "seeded";
  }
  log(
    mode === "never"
      ? "The database is empty and PATCHPARTY_SEED=never: no demo data."
      : "The database is empty and stays so: the demo data goes only into the embedded database (PATCHPARTY_SEED=demo asks for it here).",
  );
  log(FIRST_ADMIN_HINT);
  return "empty";
}
