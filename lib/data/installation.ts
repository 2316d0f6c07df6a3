// The installation's own facts: whether its database holds the demo data (the seed marks it).
import "server-only";
import { db } from "../db";

export async function holdsDemoData(): Promise<boolean> {
  const row = await db.installation.findUnique({ where: { id: "default" }, select: { demoData: true } });
  return row?.demoData ?? false;
}
