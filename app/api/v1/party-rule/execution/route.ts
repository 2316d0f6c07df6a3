import { settingsRoute } from "@/lib/api/settings-route";
import { getSlotExecution, saveSlotExecution } from "@/lib/data/slot-rollout";
import { ExecutionSettingsSchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

const route = settingsRoute(() => getSlotExecution(), ExecutionSettingsSchema, saveSlotExecution);

/** GET /api/v1/party-rule/execution: how party slots are executed (executor null = the installation's default). */
export const GET = route.GET;

/** PUT /api/v1/party-rule/execution { executor?, preHook?, postHook?, cutoffMinutes?, memberTimeoutMinutes? } (admins). */
export const PUT = route.PUT;
