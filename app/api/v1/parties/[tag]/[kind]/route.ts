import { partyWithCountsJson } from "@/lib/api/party";
import { apiError, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { getOutcomeCounts } from "@/lib/data/fleet";
import { partyChanges } from "@/lib/data/change-requests";
import { getParty, slotCounts } from "@/lib/data/party-detail";
import { partyKey } from "@/lib/domain";
import { firstIssue } from "@/lib/validation/common";
import { KindSchema, TagSchema } from "@/lib/validation/party-rule";

export const dynamic = "force-dynamic";

/** GET /api/v1/parties/{tag}/{kind}: the party with the number of resources in each slot. */
export const GET = apiRoute(async function GET(request: Request, { params }: { params: Promise<{ tag: string; kind: string }> }) {
  if (!(await authenticateRequest(request))) return unauthorized();
  const { tag, kind } = await params;
  const parsedTag = TagSchema.safeParse(tag);
  if (!parsedTag.success) return apiError(400, `tag: ${firstIssue(parsedTag.error)}`);
  const parsedKind = KindSchema.safeParse(kind);
  if (!parsedKind.success) return apiError(400, `kind: ${firstIssue(parsedKind.error)}`);
  const party = await getParty(parsedTag.data, parsedKind.data);
  if (!party) return apiError(404, `There is no ${kind} party ${tag}.`);
  const now = new Date();
  const [counts, outcomes, changes] = await Promise.all([
    slotCounts([party], now),
    party.id && party.endsAt <= now ? getOutcomeCounts({ id: party.id, status: party.status }) : Promise.resolve(null),
    partyChanges(party.id ? [party.id] : []),
  ]);
  return Response.json(
    partyWithCountsJson(
      party,
      counts.get(partyKey(party))!,
      outcomes && { patched: outcomes.PATCHED, failed: outcomes.FAILED, skipped: outcomes.SKIPPED },
      changes,
    ),
  );
});
