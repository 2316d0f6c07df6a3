// The route files under app/api/v1 and the path each serves, for the tests that hold the OpenAPI
// document to the code (a route's folder `[id]` is the document's `{id}`).
import "server-only";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export type RouteFile = { file: string; path: string };

/** Every app/api/v1/**\/route.ts under `root` (the project's folder), with its path under /api/v1. */
export function v1RouteFiles(root: string): RouteFile[] {
  const base = path.join(root, "app/api/v1");
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? walk(full) : entry === "route.ts" ? [full] : [];
    });
  return walk(base)
    .map((file) => {
      const folders = path.relative(base, path.dirname(file)).split(path.sep);
      return { file, path: `/${folders.map((f) => f.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}` };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
