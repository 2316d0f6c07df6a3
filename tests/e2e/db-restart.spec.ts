import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { expect, test } from "@playwright/test";
import pg from "pg";

// The database restarted under load (issue 8, "Faults"): while it is down requests fail at once
// with a 503 and a message; the server recovers by itself when it is back; every write that was
// acknowledged is in the database afterwards. A server and database of the test's own.
const DB_PORT = 54411;
const WEB_PORT = 3111;
const BASE = `http://127.0.0.1:${WEB_PORT}`;

function startDb(dir: string, seed: boolean): Promise<{ child: ChildProcess; info: { url: string; token?: string; resources?: string[] } }> {
  const child = spawn("node_modules/.bin/tsx", ["tests/e2e/scripts/fault-db.ts", dir, String(DB_PORT), ...(seed ? ["--seed"] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the database process exited (${code})`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve({ child, info: JSON.parse(line) }));
  });
}
const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM"))));

async function until(check: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

test("the database restarts under load: requests fail cleanly, the app recovers by itself, nothing acknowledged is lost", async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), "patchparty-fault-"));
  let db = await startDb(dir, true);
  const { url, token, resources } = db.info as { url: string; token: string; resources: string[] };
  const web = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(WEB_PORT), "-H", "127.0.0.1"], {
    stdio: ["ignore", "ignore", process.env.FAULT_LOG ? "inherit" : "ignore"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: url,
      NEXTAUTH_URL: BASE,
      NEXTAUTH_SECRET: "fault-secret-fault-secret-fault-secret-00",
      PATCHPARTY_WORKER: "off",
    },
  });
  try {
    expect(await until(async () => (await fetch(`${BASE}/api/health`)).ok, 60_000)).toBe(true);
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const acknowledged: { resource: string; reason: string }[] = [];
    const outcomes: { status: number; ms: number; body: string; phase: string }[] = [];
    let phase = "up";
    let running = true;

    // Eight clients, each on its own resource: exclude with a numbered reason, include, read, again.
    const clients = resources.map(async (name, c) => {
      for (let n = 0; running; n++) {
        const t = Date.now();
        const exclusion = `${BASE}/api/v1/resources/${name}/exclusion`;
        const reason = `client ${c} write ${n}`;
        const out = await fetch(exclusion, { method: "PUT", headers, body: JSON.stringify({ reason }), signal: AbortSignal.timeout(15_000) });
        const body = await out.text();
        outcomes.push({ status: out.status, ms: Date.now() - t, body, phase });
        if (out.status === 200) acknowledged.push({ resource: name, reason });
        const back = await fetch(exclusion, { method: "DELETE", headers, body: JSON.stringify({ group: 1 }), signal: AbortSignal.timeout(15_000) });
        outcomes.push({ status: back.status, ms: Date.now() - t, body: await back.text(), phase });
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    await new Promise((r) => setTimeout(r, 3_000));
    phase = "down";
    await stop(db.child);
    await new Promise((r) => setTimeout(r, 4_000));
    phase = "restarting";
    db = await startDb(dir, false);
    // The server finds the database again by itself: no restart of the app.
    expect(await until(async () => (await fetch(`${BASE}/api/health`)).ok, 30_000)).toBe(true);
    phase = "back";
    await new Promise((r) => setTimeout(r, 3_000));
    running = false;
    await Promise.all(clients);

    const during = outcomes.filter((o) => o.phase === "down");
    expect(during.length).toBeGreaterThan(0);
    // Down: a quick, clean refusal — 503 with a message, or 409 when a write was refused by its own rule.
    for (const o of during) {
      expect([200, 409, 503]).toContain(o.status);
      if (o.status === 503) expect(JSON.parse(o.body)).toEqual({ error: expect.stringContaining("database is unavailable") });
      expect(o.ms).toBeLessThan(10_000);
    }
    expect(during.some((o) => o.status === 503)).toBe(true);
    const back = outcomes.filter((o) => o.phase === "back");
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((o) => o.status === 200 || o.status === 409)).toBe(true);
    expect(back.filter((o) => o.status === 200).length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o.status < 500 || o.status === 503)).toBe(true);

    // Every acknowledged exclusion is in the resource's history.
    const client = new pg.Client({ connectionString: db.info.url });
    await client.connect();
    const { rows } = await client.query<{ name: string; reason: string }>(
      `SELECT r.name, e.reason FROM "ExclusionEvent" e JOIN "Resource" r ON r.id = e."resourceId" WHERE e.action = 'EXCLUDE'`,
    );
    await client.end();
    const stored = new Set(rows.map((r) => `${r.name}|${r.reason}`));
    expect(acknowledged.length).toBeGreaterThan(10);
    expect(acknowledged.filter((a) => !stored.has(`${a.resource}|${a.reason}`))).toEqual([]);
  } finally {
    web.kill("SIGTERM");
    await stop(db.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
