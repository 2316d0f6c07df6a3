import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

/** Folders whose every module reads the database, the environment, secrets or the process. */
const SERVER_FOLDERS = ["lib/data", "lib/rollout", "lib/notify", "lib/jobs", "lib/api", "lib/database", "lib/cache", "lib/auth"];
// lib/env.ts is not marked: next.config.ts reads it, and Next loads its config outside the bundles
// (where "server-only" does not resolve). It reads process.env, which a browser bundle has nothing of.
const SERVER_FILES = ["lib/db.ts", "lib/viewer.ts", "lib/web-server.ts"];
/**
 * Shared with client components on purpose: `can()` decides what a page shows as well as what it
 * allows; the sign-in form words the codes a refused sign-in carries.
 */
const SHARED = new Set(["lib/auth/permissions.ts", "lib/auth/sign-in-errors.ts"]);

function modules(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : modules(file);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

it('server modules say so with import "server-only", so that Next refuses to bundle them for a browser', () => {
  const files = [...SERVER_FOLDERS.flatMap(modules), ...SERVER_FILES].filter((file) => !SHARED.has(file));
  expect(files.length).toBeGreaterThan(60);
  const unmarked = files.filter((file) => !/^import "server-only";$/m.test(readFileSync(file, "utf8")));
  expect(unmarked).toEqual([]);
});

it("the domain core stays importable anywhere: no server-only module in lib/domain", () => {
  const marked = modules("lib/domain").filter((file) => readFileSync(file, "utf8").includes('"server-only"'));
  expect(marked).toEqual([]);
});
