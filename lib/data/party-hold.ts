// An admin's hold on a production party (typically when its quarter's QA party failed too
// often): a held party does not start until an admin releases it. Both are audited.
import "server-only";
import type { Prisma } from "@prisma/client";
import { db, execute, prepared, qb } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { qaGate } from "../domain";
import { recordAudit } from "./audit";
import { getOutcomeCounts } from "./fleet";
import { refuse, succeed, type Outcome } from "./outcome";

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });

/** The stored production party of `tag`, locked until the transaction ends. */
async function lockProductionParty(tx: Prisma.TransactionClient, tag: string) {
  const [party] = await execute(
    qb.selectFrom("Party").select(["id", "startsAt", "status", "heldAt", "heldReason"]).where("tag", "=", tag).where("kind", "=", "PRODUCTION").forUpdate(),
    tx,
  );
  return party ?? null;
}

export async function holdParty(user: CurrentUser, tag: string, reason: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "party:manage" })) return refuse(403, "forbidden", "Only admins can hold a party.");
  return db.$transaction(async (tx) => {
    const party = await lockProductionParty(tx, tag);
    if (!party) return refuse(404, "not-found", `There is no stored production party ${tag}.`);
    if (party.startsAt <= now) return refuse(409, "started", "This party has started or is over: it can no longer be held.");
    if (party.status === "CANCELLED") return refuse(409, "cancelled", "This party is cancelled.");
    if (party.heldAt) return refuse(409, "held", `This party is already held: ${party.heldReason}`);
    await tx.party.update({ where: { id: party.id }, data: { heldAt: now, heldBy: user.email, heldReason: reason } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "party.hold",
      entityType: "party",
      entityId: party.id,
      entityLabel: `${tag} production`,
      after: { held: true },
      reason,
      at: now,
    });
    return succeed(null);
  });
}

export async function releaseParty(user: CurrentUser, tag: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "party:manage" })) return refuse(403, "forbidden", "Only admins can release a party.");
  return db.$transaction(async (tx) => {
    const party = await lockProductionParty(tx, tag);
    if (!party) return refuse(404, "not-found", `There is no stored production party ${tag}.`);
    if (!party.heldReason) return refuse(409, "not-held", "This party is not held.");
    await tx.party.update({ where: { id: party.id }, data: { heldAt: null, heldBy: null, heldReason: null } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "party.release",
      entityType: "party",
      entityId: party.id,
      entityLabel: `${tag} production`,
      before: { held: true, reason: party.heldReason },
      after: { held: false },
      at: now,
    });
    return succeed(null);
  });
}

/** Compiled once: every production party page asks (a model query costs ~1 ms of the server's CPU to plan). */
const qaParty = prepared((v: { tag: string }) => qb.selectFrom("Party").select(["id", "endsAt", "status"]).where("tag", "=", v.tag).where("kind", "=", "QA"));

/** The outcome of the quarter's QA party, once it has run, with the gate's verdict. */
export async function qaOutcomeOf(tag: string, now: Date) {
  const [qa] = await execute(qaParty({ tag }));
  if (!qa || qa.status === "CANCELLED" || qa.endsAt > now) return null;
  const counts = await getOutcomeCounts(qa, null);
  const outcome = { patched: counts.PATCHED, failed: counts.FAILED, skipped: counts.SKIPPED };
  return { ...outcome, ...qaGate(outcome) };
}
