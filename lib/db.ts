// The one Prisma client, shared across hot reloads in development.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { env } from "./env";

function createClient() {
  const { DATABASE_URL: url, PATCHPARTY_LOG_QUERIES: logQueries } = env();
  if (!url) throw new Error("DATABASE_URL is not set: start the portal with `npm start`, which provides it.");
  // PATCHPARTY_LOG_QUERIES=1 prints each statement (with $1… placeholders, never the values).
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }), ...(logQueries ? { log: ["query" as const] } : {}) });
}

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForPrisma.prisma ??= createClient();
    const value = Reflect.get(globalForPrisma.prisma, property);
    return typeof value === "function" ? value.bind(globalForPrisma.prisma) : value;
  },
});

/** Closes the pool (scripts and tests; the server keeps it for its lifetime). */
export async function disconnectDb() {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
}

/**
 * A timestamp column read inside a JSON value of a raw statement ("2026-12-06T05:00:00": UTC,
 * written without the zone) as a Date. Top-level timestamp columns arrive as Dates already.
 */
export const jsonTimestamp = (text: string) => new Date(`${text}Z`);
