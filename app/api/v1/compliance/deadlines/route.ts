import { settingsRoute } from "@/lib/api/settings-route";
import { getDeadlines, saveDeadlines } from "@/lib/data/deadlines";
import { DeadlinesSchema } from "@/lib/validation/deadlines";

export const dynamic = "force-dynamic";

const route = settingsRoute(() => getDeadlines(), DeadlinesSchema, saveDeadlines);

/** GET /api/v1/compliance/deadlines: how many days a pending update may wait, per severity (null: no deadline). */
export const GET = route.GET;

/** PUT /api/v1/compliance/deadlines { criticalDays?, highDays?, mediumDays?, lowDays?, unratedDays?, revision? } (admins). */
export const PUT = route.PUT;
