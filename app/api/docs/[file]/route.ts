import { apiRoute } from "@/lib/api/respond";
import { docsAsset } from "@/lib/api/openapi/docs-assets";

export const dynamic = "force-dynamic";

/** GET /api/docs/{file}: the reference page's script and styles (swagger-ui's, and ours); public, like any static file. */
export const GET = apiRoute(async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const asset = await docsAsset((await params).file);
  if (!asset) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(asset.body, { headers: { "Content-Type": asset.type, "Cache-Control": "public, max-age=3600" } });
});
