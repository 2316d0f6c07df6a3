import { partyParams, type PartyParams } from "@/lib/api/party";
import { apiError, apiRoute, readBody, unauthorized } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { approveForProduction, productionPackages } from "@/lib/data/tested-sets";
import { db } from "@/lib/db";
import { ApprovePackageSchema } from "@/lib/validation/tested-sets";

export const dynamic = "force-dynamic";

const ONLY_PRODUCTION = "kind: only a production party installs a tested set (a QA party's upgrades make it).";

/**
 * GET /api/v1/parties/{tag}/production/packages: the quarter's tested set and, per group, what the
 * production party installs and holds back, from its servers' last scans.
 */
export const GET = apiRoute(async function GET(request: Request, context: PartyParams) {
  if (!(await authenticateRequest(request))) return unauthorized();
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  if (party.kind !== "production") return apiError(400, ONLY_PRODUCTION);
  if (!(await db.party.findUnique({ where: { tag_kind: { tag: party.tag, kind: "PRODUCTION" } }, select: { id: true } })))
    return apiError(404, `There is no production party ${party.tag}.`);
  return Response.json(await productionPackages(party.tag));
});

/**
 * POST /api/v1/parties/{tag}/production/packages { release, package, version, reason } (admins):
 * lets a held-back version through to production, audited.
 */
export const POST = apiRoute(async function POST(request: Request, context: PartyParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  if (party.kind !== "production") return apiError(400, ONLY_PRODUCTION);
  const body = await readBody(request, ApprovePackageSchema.strict());
  if (!body.ok) return body.response;
  const result = await approveForProduction(user, party.tag, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(result.value);
});
