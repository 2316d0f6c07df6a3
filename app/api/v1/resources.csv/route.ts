import { csvResponse } from "@/lib/api/csv";
import { apiError, authorizedQuery, CSV_BODY, readText, unauthorized, apiRoute } from "@/lib/api/respond";
import { can, readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { applyImport, checkImport, exportResourcesCsv, type ImportProgress } from "@/lib/data/resource-csv";
import { BODY_LIMITS } from "@/lib/validation/limits";
import { ResourceListQuerySchema } from "@/lib/validation/resources";

export const dynamic = "force-dynamic";

/** GET /api/v1/resources.csv?<the list's filters>: the inventory as CSV, streamed. */
export const GET = apiRoute(async function GET(request: Request) {
  const parsed = await authorizedQuery(request, ResourceListQuerySchema, authenticateRequest);
  if (!parsed.ok) return parsed.response;
  const { sort: _sort, cursor: _cursor, limit: _limit, ...filters } = parsed.query;
  return csvResponse(exportResourcesCsv(filters, readableTeams(parsed.user)), "resources");
});

/**
 * POST /api/v1/resources.csv (admins; body: the CSV, text/csv from a page): checks every row, then upserts all of them
 * by name or none. With `Accept: application/x-ndjson` it streams progress lines as it works.
 */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "resource:import" })) return apiError(403, "Only admins can import resources.");
  const read = await readText(request, { maxBytes: BODY_LIMITS.csvImport, type: CSV_BODY });
  if (!read.ok) return read.response;
  const csv = read.text;

  if (!(request.headers.get("accept") ?? "").includes("application/x-ndjson")) {
    const plan = await checkImport(csv);
    if (plan.errors.length) return Response.json({ error: "The file has errors; nothing was imported.", errors: plan.errors }, { status: 400 });
    return Response.json(await applyImport(user, plan.rows, () => {}));
  }

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: object) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      try {
        send({ phase: "validate", done: 0, total: 0 });
        const plan = await checkImport(csv);
        send({ phase: "validate", done: plan.rows.length, total: plan.rows.length });
        if (plan.errors.length) {
          send({ phase: "error", message: "The file has errors; nothing was imported.", errors: plan.errors });
        } else {
          const summary = await applyImport(user, plan.rows, (p: ImportProgress) => send(p));
          send({ phase: "done", ...summary });
        }
      } catch (error) {
        console.error("CSV import failed", error);
        send({ phase: "error", message: "The import failed on the server; nothing was imported.", errors: [] });
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" } });
});
