import { apiError, badRequest, readJson, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { previewRule, previewRuleChange, ruleFromInput } from "@/lib/data/party-changes";
import { partyRuleProblems } from "@/lib/domain";
import { PartyRuleSchema } from "@/lib/validation/party-rule";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/party-rule/preview (admins): what saving this rule would do, saving nothing. The
 * next eight QA/production pairs, every stored party it would move (old and new times, and
 * whether it was announced to customers, is less than 14 days away or has an approved change),
 * and which of those keep their dates unless `moveAnnounced` is true.
 */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "party-rule:edit" })) return apiError(403, "Only admins can edit the party rule.");
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const parsed = PartyRuleSchema.strict().safeParse(body.body);
  if (!parsed.success) return badRequest(parsed.error);
  const rule = ruleFromInput(parsed.data);
  const problems = partyRuleProblems(rule);
  if (problems.length) return apiError(400, `${problems[0]!.path}: ${problems[0]!.message}`);
  const now = new Date();
  const { moves, kept } = await previewRuleChange(rule, now, parsed.data.moveAnnounced === true);
  return Response.json({ pairs: previewRule(rule, now), moves, kept });
});
