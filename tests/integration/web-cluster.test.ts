// scripts/web-cluster.mjs, the launcher `npm start` runs the production server with: one process
// per core behind one port, a process that dies is replaced, a stop signal stops them all, and a
// server that cannot start at all stops the launcher with an error. A tiny HTTP server that answers
// with its pid stands in for `next start` (the e2e tests run the real one through `npm start`).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "web-cluster-"));
const fakeServer = path.join(dir, "server.mjs");
writeFileSync(
  fakeServer,
  `import http from "node:http";
   const port = Number(process.argv[process.argv.indexOf("-p") + 1]);
   if (process.env.FAIL_TO_START) process.exit(3);
   http.createServer((_req, res) => res.end(String(process.pid))).listen(port, "127.0.0.1");`,
);

let launcher: ChildProcess | undefined;
afterEach(() => {
  if (launcher?.exitCode === null) launcher.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(port: number, env: Record<string, string> = {}) {
  launcher = spawn(process.execPath, [path.resolve("scripts/web-cluster.mjs"), fakeServer, "start", "-p", String(port)], {
    env: { ...process.env, PATCHPARTY_WEB_PROCESSES: "2", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return launcher;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

/** The pids that answer `requests` fresh connections, once the server answers at all. */
async function answering(port: number, requests = 20): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < 200 && pids.size === 0; i++) {
    try {
      pids.add(Number(await (await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: "close" } })).text()));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  for (let i = 0; i < requests; i++) pids.add(Number(await (await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: "close" } })).text()));
  return pids;
}

describe("the web server launcher", () => {
  it("shares one port among its processes, replaces one that dies, and stops them all on SIGTERM", async () => {
    const port = await freePort();
    const child = start(port);
    const first = await answering(port);
    expect(first.size).toBe(2);

    const [victim] = [...first];
    process.kill(victim!, "SIGKILL");
    let after = new Set<number>();
    for (let i = 0; i < 100 && !(after.size === 2 && !after.has(victim!)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await answering(port, 10);
    }
    expect(after.size).toBe(2);
    expect(after.has(victim!)).toBe(false);

    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    for (const pid of after) expect(() => process.kill(pid, 0)).toThrow();
  });

  it("stops with an error when its server cannot start, instead of starting it again and again", async () => {
    const child = start(await freePort(), { FAIL_TO_START: "1" });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    expect(await exited(child)).toBe(3);
    expect(stderr).not.toContain("starting another");
  });
});
