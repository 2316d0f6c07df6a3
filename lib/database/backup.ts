// `npm run db:backup` and `npm run db:restore`: a whole PatchParty database to one gzipped file
// and back. pg_dump cannot be relied on here (the embedded server is PostgreSQL 18; a machine's
// client tools may be older and refuse it), so the backup is the data itself: every table's rows
// as JSON lines, read in one repeatable-read snapshot. A restore migrates an empty database to the
// backup's schema and loads the rows in one transaction, parents before children: all or nothing.
import "server-only";
import { chmodSync, createReadStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { Readable, type Writable } from "node:stream";
import { createGunzip, createGzip } from "node:zlib";
import pg from "pg";
import { migrate, readMigrations } from "./migrate";

const FORMAT = "patchparty-backup";
const BATCH = 2_000;
/**
 * Bookkeeping, not data: the migrator writes its own table, and queued jobs are not kept. The
 * tokens of DataVersion are not kept either: a restored database's rows move them anew.
 */
const SKIPPED = new Set(["_prisma_migrations", "DataVersion"]);
/**
 * Kept by the database from other tables (triggers): restoring those rebuilds them. Compared by
 * what they mean, not row by row (the fleet's counts are spread over shards).
 */
const DERIVED: Record<string, string> = {
  FleetCount: `SELECT environment, excluded, "patchGroup", sum(count) AS count FROM "FleetCount" GROUP BY 1, 2, 3 HAVING sum(count) <> 0`,
};

type Header = { format: typeof FORMAT; version: 1; createdAt: string; migrations: string[]; tables: Record<string, number> };

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The public tables, parents before the tables whose foreign keys point at them. */
export async function tablesInLoadOrder(client: pg.Client): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  const { rows: edges } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const names = tables.map((t) => t.name).filter((t) => !SKIPPED.has(t) && !(t in DERIVED));
  const unquote = (s: string) => s.replace(/^"|"$/g, "");
  const parents = new Map(names.map((n) => [n, new Set(edges.filter((e) => unquote(e.child) === n && unquote(e.parent) !== n).map((e) => unquote(e.parent)))]));
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = names.filter((n) => !order.includes(n) && [...parents.get(n)!].every((p) => order.includes(p) || !names.includes(p)));
    if (ready.length === 0) throw new Error("The tables' foreign keys form a cycle: cannot order the backup.");
    order.push(...ready);
  }
  return order;
}

/**
 * The folder a backup goes into, made if missing: the folders made here are 0700, and so is the
 * default folder (`always`), whatever the umask, since backups hold password and token hashes. A
 * folder the operator names and that exists already is theirs and left as it is.
 */
export function backupFolder(folder: string, options: { always?: boolean } = {}): string {
  const missing: string[] = [];
  for (let dir = path.resolve(folder); !existsSync(dir); dir = path.dirname(dir)) missing.push(dir);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (const dir of missing) chmodSync(dir, 0o700);
  if (options.always) chmodSync(folder, 0o700);
  return folder;
}

/**
 * Writes every table of the database at `url` to `file` (gzipped JSON lines), readable by its
 * owner only (0600, whatever the umask): it holds password and token hashes. The rows go into a
 * new file beside it, renamed to `file` once complete: `file` is never half written, and an older
 * file of that name, whatever its mode, never receives them. Returns rows per table.
 */
export async function backupDatabase(url: string, file: string): Promise<Record<string, number>> {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const handle = await open(partial, "wx", 0o600);
  try {
    await handle.chmod(0o600);
    // The stream closes the handle when the rows are written, or when writing them failed.
    const counts = await backupInto(url, handle.createWriteStream());
    renameSync(partial, file);
    return counts;
  } catch (error) {
    await handle.close().catch(() => {});
    rmSync(partial, { force: true });
    throw error;
  }
}

async function backupInto(url: string, out: Writable): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const tables = await tablesInLoadOrder(client);
    const { rows: applied } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    const counts: Record<string, number> = {};
    async function* lines() {
      for (const table of tables) {
        counts[table] = 0;
        await client.query(`DECLARE rows_out NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM "${table}" t`);
        for (;;) {
          const { rows } = await client.query<{ row: string }>(`FETCH ${BATCH} FROM rows_out`);
          if (rows.length === 0) break;
          counts[table] += rows.length;
          yield rows.map((r) => `{"t":${JSON.stringify(table)},"r":${r.row}}\n`).join("");
        }
        await client.query("CLOSE rows_out");
      }
      const header: Header = {
        format: FORMAT,
        version: 1,
        createdAt: new Date().toISOString(),
        migrations: applied.map((m) => m.migration_name),
        tables: counts,
      };
      yield `${JSON.stringify({ end: header })}\n`;
    }
    await pipeline(Readable.from(lines()), createGzip(), out);
    await client.query("COMMIT");
    return counts;
  });
}

export class RestoreError extends Error {}

/**
 * Loads a backup into the database at `url`, which must hold no data: migrations are applied
 * first (to the backup's level), then every row, in one transaction. Refuses, changing nothing,
 * a database with data, a file that is not a complete backup, or a backup from a newer schema.
 */
export async function restoreDatabase(url: string, file: string): Promise<Record<string, number>> {
  const known = new Set(readMigrations().map((m) => m.name));
  // The trailer holds the counts and the schema level: read it first, so a cut-off file changes nothing.
  let trailer: Header | null = null;
  try {
    for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })) {
      if (line.startsWith('{"end":')) trailer = (JSON.parse(line) as { end: Header }).end;
    }
  } catch (error) {
    throw new RestoreError(`${file} is damaged: ${(error as Error).message}`);
  }
  if (!trailer || trailer.format !== FORMAT) throw new RestoreError(`${file} is not a complete PatchParty backup (no trailer).`);
  const unknown = trailer.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new RestoreError(`The backup comes from a newer PatchParty (migrations ${unknown.join(", ")}): upgrade first.`);

  await migrate(url);
  return withClient(url, async (client) => {
    const tables = await tablesInLoadOrder(client);
    for (const table of tables) {
      const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table}") AS any`);
      if (rows[0]?.any) throw new RestoreError(`The database already holds data (table "${table}"): restore into an empty database.`);
    }
    const counts: Record<string, number> = {};
    await client.query("BEGIN");
    try {
      // Rows arrive table by table in load order; each batch goes in with one statement.
      const batch = { table: "", rows: [] as string[] };
      const flush = async () => {
        if (batch.rows.length === 0) return;
        await client.query(`INSERT INTO "${batch.table}" SELECT * FROM json_populate_recordset(NULL::"${batch.table}", $1::json)`, [
          `[${batch.rows.join(",")}]`,
        ]);
        counts[batch.table] = (counts[batch.table] ?? 0) + batch.rows.length;
        batch.rows = [];
      };
      for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })) {
        if (!line || line.startsWith('{"end":')) continue;
        const match = /^\{"t":("(?:[^"\\]|\\.)*"),"r":(.*)\}$/.exec(line);
        if (!match) throw new RestoreError("A line of the backup is damaged.");
        const table = JSON.parse(match[1]!) as string;
        if (!tables.includes(table)) throw new RestoreError(`The backup has a table this PatchParty does not know: "${table}".`);
        if (batch.table !== table) {
          await flush();
          batch.table = table;
        }
        batch.rows.push(match[2]!);
        if (batch.rows.length >= BATCH) await flush();
      }
      await flush();
      for (const [table, n] of Object.entries(trailer.tables)) {
        if ((counts[table] ?? 0) !== n) throw new RestoreError(`The backup says "${table}" has ${n} rows but ${counts[table] ?? 0} were read.`);
      }
      // Serial ids continue after the restored rows.
      const { rows: serials } = await client.query<{ table: string; column: string; sequence: string }>(
        `SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(format('%I', c.relname), a.attname) AS sequence
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND pg_get_serial_sequence(format('%I', c.relname), a.attname) IS NOT NULL`,
      );
      for (const s of serials) await client.query(`SELECT setval($1, coalesce((SELECT max("${s.column}") FROM "${s.table}"), 0) + 1, false)`, [s.sequence]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
    return counts;
  });
}

/** A fingerprint of every table's rows (md5 of the rows in a fixed order), to compare two databases. */
export async function databaseFingerprint(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const out: Record<string, string> = {};
    const sources: [string, string][] = [
      ...(await tablesInLoadOrder(client)).map((table): [string, string] => [table, `"${table}"`]),
      ...Object.entries(DERIVED).map(([table, query]): [string, string] => [table, `(${query})`]),
    ];
    for (const [table, source] of sources) {
      const { rows } = await client.query<{ md5: string | null; n: string }>(
        `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5, count(*) AS n FROM ${source} t`,
      );
      out[table] = `${rows[0]!.n}:${rows[0]!.md5 ?? "-"}`;
    }
    return out;
  });
}
