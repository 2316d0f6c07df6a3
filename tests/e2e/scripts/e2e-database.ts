// The e2e server's database (playwright.config.ts: a throw-away embedded server on
// PATCHPARTY_DB_PORT, default 54401). Its data folder is a temporary one and its passwords are
// this run's own (docs/decisions/016): the folder is found by the port its server listens on,
// and the app's role's URL read from it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { embeddedDatabaseUrls } from "../../../lib/database/embedded";

export function e2eDatabaseUrl(port = Number(process.env.PATCHPARTY_DB_PORT ?? "54401")): string {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith("patchparty-pg-"))) {
    const dir = path.join(tmpdir(), name);
    const pidFile = path.join(dir, "pg", "postmaster.pid");
    // postmaster.pid: the server's pid first, its port fourth.
    const lines = existsSync(pidFile) ? readFileSync(pidFile, "utf8").split("\n") : [];
    if (Number(lines[3]) !== port || !alive(Number(lines[0]))) continue;
    return embeddedDatabaseUrls(dir, port).url;
  }
  throw new Error(`No throw-away embedded PostgreSQL server is listening on port ${port}: is the e2e server running?`);
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return pid > 0;
  } catch {
    return false;
  }
}
