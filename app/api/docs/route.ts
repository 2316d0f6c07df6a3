import { apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { API_DOCS_CONTENT_SECURITY_POLICY } from "@/lib/api/openapi/docs-assets";

export const dynamic = "force-dynamic";

// No inline script or style: the page's policy allows only this origin's files (./[file]/route.ts).
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · PatchParty</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<header class="pp-docs-header">
<a href="/">PatchParty</a>
<span>API reference</span>
<a href="/api/v1/openapi.json">OpenAPI document (JSON)</a>
</header>
<main id="swagger-ui"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

/**
 * GET /api/docs: the reference page of /api/v1, the OpenAPI document rendered by swagger-ui (served
 * from this installation, nothing from elsewhere). Anyone signed in; others are sent to sign in.
 */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request, { machines: true }))) {
    return new Response(null, { status: 303, headers: { Location: "/signin?callbackUrl=%2Fapi%2Fdocs" } });
  }
  return new Response(PAGE, {
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": API_DOCS_CONTENT_SECURITY_POLICY, "Cache-Control": "no-store" },
  });
});
