import Link from "next/link";
import type { CalendarParty, Slot } from "@/lib/domain";
import { formatRange } from "@/lib/format";
import { cx } from "../ui/cx";

/** One group slot of a party in a calendar cell: a link to the party, coloured by kind. */
export function SlotChip({ party, slot, count, zone, blocked = false }: { party: CalendarParty; slot: Slot; count: number; zone: string; blocked?: boolean }) {
  const cancelled = party.status === "cancelled";
  const label = `${party.kind === "qa" ? "QA" : "Production"} Patch Party ${party.tag}, group ${slot.group}, ${formatRange(slot.startsAt, slot.endsAt, zone)}${zone === "UTC" ? " UTC" : ""}, ${count} resources${cancelled ? ", cancelled" : ""}${blocked ? ", blocked: change not approved" : ""}`;
  return (
    <Link
      href={`/parties/${party.tag}/${party.kind}`}
      aria-label={label}
      title={label}
      className={cx(
        "block truncate rounded px-1.5 py-0.5 text-[11px] leading-4 font-medium ring-1 ring-inset focus-visible:outline-2",
        party.kind === "qa" ? "bg-qa-soft text-qa ring-qa/30" : "bg-prod-soft text-prod ring-prod/30",
        cancelled && "line-through opacity-60",
        blocked && "ring-2 ring-amber-500",
      )}
    >
      {blocked ? <span aria-hidden="true">⚠ </span> : null}G{slot.group} {formatRange(slot.startsAt, slot.endsAt, zone)} · {count}
    </Link>
  );
}
