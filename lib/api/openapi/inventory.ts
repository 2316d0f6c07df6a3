// Inventory sources and syncs in the OpenAPI document (issue 21, decision 021): their answers'
// shapes and their operations, spread into OPERATIONS.
import "server-only";
import { z } from "zod";
import type { mappingPreviewJson, planItemJson, sourceJson, sourceSummaryJson, syncJson } from "../inventory";
import {
  InventorySourceCreateSchema,
  InventorySourceUpdateSchema,
  MappingPreviewRequestSchema,
  SyncDecisionSchema,
  SyncPlanQuerySchema,
  SyncRequestSchema,
} from "../../validation/inventory";
import type { Operation } from "./operations";

const instant = z.iso.datetime({ offset: true }).describe("ISO-8601 instant, UTC");
const ADMINS = "Admins.";

export const SourceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["ansible", "netbox"]),
  tokenSet: z.boolean().describe("Whether a token is kept (sealed; never shown)"),
  intervalMinutes: z.number().int().nullable().describe("Minutes between scheduled syncs; null: on demand only"),
  autoApply: z.boolean().describe("A scheduled sync applies what it finds (else it leaves a preview)"),
  nextSyncAt: instant.nullable(),
  lastSyncAt: instant.nullable(),
  servers: z.number().int().describe("Its servers, retired ones left out"),
  retiredServers: z.number().int(),
  lastSync: z.object({ id: z.string(), state: z.string(), startedAt: instant, error: z.string().nullable() }).nullable(),
  revision: z.number().int(),
  createdAt: instant,
});
export const SourceAnswerSchema = SourceSummarySchema.extend({
  config: z.union([
    z.object({ fileName: z.string(), text: z.string() }).describe("Ansible: the inventory file's name and text"),
    z.object({ url: z.string(), objects: z.array(z.enum(["devices", "virtual-machines"])), filter: z.string() }).describe("NetBox"),
  ]),
  mapping: z.record(z.string(), z.unknown()).describe("Per PatchParty field, where its value comes from (decision 021)"),
  createdBy: z.string().nullable(),
});
const HostErrorSchema = z.object({ host: z.string(), message: z.string() });
export const SyncAnswerSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  state: z.enum(["running", "preview", "applied", "discarded", "failed"]),
  trigger: z.string().describe("person or schedule"),
  actor: z.string(),
  startedAt: instant,
  finishedAt: instant.nullable(),
  appliedAt: instant.nullable(),
  hosts: z.number().int(),
  added: z.number().int(),
  changed: z.number().int(),
  restored: z.number().int().describe("Retired servers back in the source"),
  retired: z.number().int().describe("Servers gone from the source: marked retired, never deleted"),
  unchanged: z.number().int(),
  nothingChanged: z.boolean(),
  hostErrors: z.array(HostErrorSchema).describe("Hosts that could not be mapped, skipped: the sync went on"),
  error: z.string().nullable().describe("Why a failed sync could not read its source"),
});
const PlanItemSchema = z.object({
  op: z.enum(["add", "change", "retire", "restore"]),
  externalId: z.string(),
  name: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export const SyncDetailSchema = SyncAnswerSchema.extend({
  plan: z.object({ items: z.array(PlanItemSchema), total: z.number().int(), offset: z.number().int(), nextOffset: z.number().int().nullable() }),
});

export const MappingPreviewSchema = z.object({
  hosts: z.number().int().describe("Hosts the source has"),
  mapped: z
    .array(
      z.object({
        externalId: z.string(),
        name: z.string(),
        team: z.string().describe("As the source says it (a team's short name or name)"),
        environment: z.enum(["production", "non-production"]),
        kind: z.string(),
        service: z.string(),
        cluster: z.string().nullable().optional().describe("Absent: not mapped (a sync leaves the server's own)"),
        address: z.string().nullable().optional().describe("Absent: not mapped"),
        tags: z.array(z.string()).optional().describe("Absent: not mapped"),
        group: z.number().int().nullable().describe("The patch group a server added would get from the mapping; null: spread 1–3"),
      }),
    )
    .describe("The first 20 hosts, mapped"),
  errors: z.array(HostErrorSchema).describe("The first 50 hosts that could not be mapped, with why"),
  errorCount: z.number().int(),
});

type Fits<S extends z.ZodType, T extends z.input<S>> = T;
export type InventoryBuildersFit = [
  Fits<typeof SourceSummarySchema, ReturnType<typeof sourceSummaryJson>>,
  Fits<typeof SourceAnswerSchema, ReturnType<typeof sourceJson>>,
  Fits<typeof SyncAnswerSchema, ReturnType<typeof syncJson>>,
  Fits<typeof PlanItemSchema, ReturnType<typeof planItemJson>>,
  Fits<typeof MappingPreviewSchema, ReturnType<typeof mappingPreviewJson>>,
];

const id = z.object({ id: z.string().max(40).describe("The source's id") });
const syncParams = z.object({ id: z.string().max(40).describe("The source's id"), syncId: z.string().max(60).describe("The sync's id") });

export const INVENTORY_OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/inventory-sources",
    tag: "Inventory",
    summary: "Every inventory source",
    description: "With its servers and last sync; never a token.",
    who: ADMINS,
    answers: { 200: { description: "The sources.", schema: z.object({ items: z.array(SourceSummarySchema) }) } },
    refusals: [],
  },
  {
    method: "post",
    path: "/inventory-sources",
    tag: "Inventory",
    summary: "Add an inventory source",
    description:
      "`ansible`: an inventory ansible-inventory reads (a static YAML or INI file, or a dynamic plugin's configuration, under the file name the plugin expects); `netbox`: NetBox's REST API with a token. The mapping says where team, environment, kind, service, cluster, address and tags come from (decision 021).",
    who: ADMINS,
    body: InventorySourceCreateSchema,
    answers: { 201: { description: "The source.", schema: SourceAnswerSchema, etag: true } },
    refusals: [400, 409, 413, 415],
  },
  {
    method: "get",
    path: "/inventory-sources/{id}",
    tag: "Inventory",
    summary: "One inventory source",
    who: ADMINS,
    params: id,
    answers: { 200: { description: "The source.", schema: SourceAnswerSchema, etag: true } },
    refusals: [404],
  },
  {
    method: "patch",
    path: "/inventory-sources/{id}",
    tag: "Inventory",
    summary: "Change an inventory source",
    description: "`token` replaces the token, `token: null` removes it. An Ansible config without `text` keeps the stored text.",
    who: ADMINS,
    params: id,
    body: InventorySourceUpdateSchema,
    ifMatch: true,
    answers: { 200: { description: "The source as it now is.", schema: SourceAnswerSchema, etag: true } },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "delete",
    path: "/inventory-sources/{id}",
    tag: "Inventory",
    summary: "Delete an inventory source",
    description: "Its syncs go with it; its servers stay, as if typed by a person.",
    who: ADMINS,
    params: id,
    answers: { 204: { description: "Deleted." } },
    refusals: [404],
  },
  {
    method: "post",
    path: "/inventory-sources/{id}/mapping-preview",
    tag: "Inventory",
    summary: "Try a mapping on a source's hosts",
    description:
      'Reads the source now through the mapping sent (not saved; the source page\'s "Preview mapping"): the first hosts as it maps them and the hosts it cannot map. Writes nothing; save a mapping with PATCH.',
    who: ADMINS,
    params: id,
    body: MappingPreviewRequestSchema,
    answers: { 200: { description: "The hosts, mapped.", schema: MappingPreviewSchema } },
    refusals: [400, 404, 413, 415],
  },
  {
    method: "get",
    path: "/inventory-sources/{id}/syncs",
    tag: "Inventory",
    summary: "A source's newest syncs",
    who: ADMINS,
    params: id,
    answers: { 200: { description: "The newest 50 syncs.", schema: z.object({ items: z.array(SyncAnswerSchema) }) } },
    refusals: [404],
  },
  {
    method: "post",
    path: "/inventory-sources/{id}/syncs",
    tag: "Inventory",
    summary: "Sync a source now",
    description:
      "Reads the source and answers a preview: what it would add, change, restore and retire, and the hosts it could not map. `apply: true` (or `?apply=1`) applies it at once. A source that cannot be read gives a `failed` sync with the reason.",
    who: ADMINS,
    params: id,
    body: SyncRequestSchema,
    answers: { 201: { description: "The sync.", schema: SyncAnswerSchema } },
    refusals: [400, 404, 409, 415],
  },
  {
    method: "get",
    path: "/inventory-sources/{id}/syncs/{syncId}",
    tag: "Inventory",
    summary: "One sync with a page of its plan",
    who: ADMINS,
    params: syncParams,
    query: SyncPlanQuerySchema,
    answers: { 200: { description: "The sync and a page of its plan.", schema: SyncDetailSchema } },
    refusals: [400, 404],
  },
  {
    method: "post",
    path: "/inventory-sources/{id}/syncs/{syncId}",
    tag: "Inventory",
    summary: "Apply or discard a preview",
    description: "`apply` writes the plan if every server is still as the preview saw it (409 otherwise: preview again); `discard` drops it.",
    who: ADMINS,
    params: syncParams,
    body: SyncDecisionSchema,
    answers: { 200: { description: "The sync.", schema: SyncAnswerSchema } },
    refusals: [400, 404, 409, 415],
  },
];
