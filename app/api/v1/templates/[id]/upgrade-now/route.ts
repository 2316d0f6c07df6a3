import { templateActionRoute } from "@/lib/api/template-route";
import { upgradeNow } from "@/lib/data/templates";

export const dynamic = "force-dynamic";

/** POST /api/v1/templates/{id}/upgrade-now: an admin's forced run outside the schedule. */
export const POST = templateActionRoute(upgradeNow, 202);
