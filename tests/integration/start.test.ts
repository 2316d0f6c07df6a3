import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function start(env: Record<string, string>) {
  return spawnSync("node_modules/.bin/tsx", ["scripts/start.ts"], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

describe("npm start", () => {
  it("says in one line which database it cannot reach and why, without a stack trace", () => {
    const result = start({ DATABASE_URL: "postgresql://someone:secret@127.0.0.1:9/fleet" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Cannot reach PostgreSQL at 127.0.0.1:9 (database "fleet", user "someone"): connection refused (is the server running and listening on that port?)',
    );
    expect(result.stderr + result.stdout).not.toContain("secret");
  });

  it("names a bad environment variable", () => {
    const result = start({ PORT: "eighty" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PORT: ");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
