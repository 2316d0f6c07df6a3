// The files of the API reference page (/api/docs): swagger-ui from its npm package, read from
// node_modules when asked (never fetched from a CDN: the page's policy allows only this origin),
// and our own few lines that start it and fit it to the portal.
import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** The reference page's policy: this origin's scripts and styles only, no inline code; style attributes (swagger-ui sets a few). */
export const API_DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

// validatorUrl null: else swagger-ui shows a badge loaded from validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
});
`;

const CSS = `body { margin: 0; font-family: system-ui, sans-serif; }
.pp-docs-header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: baseline; padding: 0.75rem 1.25rem; border-bottom: 1px solid #e2e8f0; }
.pp-docs-header a { color: #1d4ed8; }
.pp-docs-header a:first-child { font-weight: 700; color: #0f172a; text-decoration: none; }
.pp-docs-header span { color: #475569; }
.swagger-ui .information-container .info { margin: 1.5rem 0; }
`;

const FROM_PACKAGE: Record<string, string> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
};

export async function docsAsset(file: string): Promise<{ body: string; type: string } | null> {
  if (file === "init.js") return { body: INIT, type: "text/javascript; charset=utf-8" };
  if (file === "docs.css") return { body: CSS, type: "text/css; charset=utf-8" };
  const type = FROM_PACKAGE[file];
  if (!type) return null;
  const body = await readFile(path.join(/* turbopackIgnore: true */ process.cwd(), "node_modules/swagger-ui-dist", file), "utf8");
  return { body, type };
}
