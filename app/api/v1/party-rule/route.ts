import { apiError, badRequest, readJson, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { getRuleRevision, savePartyRule } from "@/lib/data/party-changes";
import { getPartyRule } from "@/lib/data/party-rule";
import { PartyRuleSchema } from "@/lib/validation/party-rule";

export const dynamic = "force-dynamic";

async function ruleJson() {
  const [rule, revision] = await Promise.all([getPartyRule(), getRuleRevision()]);
  const slots = (list: typeof rule.qaSlots) => [...list].sort((a, b) => a.group - b.group).map(({ start, end }) => ({ start, end }));
  return { ...rule, qaSlots: slots(rule.qaSlots), productionSlots: slots(rule.productionSlots), revision };
}

/** GET /api/v1/party-rule: the rule parties are generated from. */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return Response.json(await ruleJson());
});

/** PUT /api/v1/party-rule (admins): saves the rule and moves future rule-made parties. */
export const PUT = apiRoute(async function PUT(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const parsed = PartyRuleSchema.strict().safeParse(body.body);
  if (!parsed.success) return badRequest(parsed.error);
  const result = await savePartyRule(user, parsed.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json({ ...(await ruleJson()), ...result.value });
});
