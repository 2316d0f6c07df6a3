import { settingsRoute } from "@/lib/api/settings-route";
import { getSlotRollout, saveSlotRollout } from "@/lib/data/slot-rollout";
import { SlotRolloutSchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

const route = settingsRoute(() => getSlotRollout(), SlotRolloutSchema, saveSlotRollout);

/** GET /api/v1/party-rule/rollouts: how party slots roll out. */
export const GET = route.GET;

/** PUT /api/v1/party-rule/rollouts { concurrency?, concurrencyPercent?, canaryPercent?, maxFailures?, maxFailurePercent? } (admins). */
export const PUT = route.PUT;
