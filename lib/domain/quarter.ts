// Quarters and the patch tag "YYYY-Qn" that names a quarter's parties.
import { DateTime } from "luxon";

export type Quarter = { year: number; quarter: 1 | 2 | 3 | 4 };

const TAG = /^(\d{4})-Q([1-4])$/;

export function quarterOf(instant: Date, timeZone: string): Quarter {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return { year: local.year, quarter: local.quarter as Quarter["quarter"] };
}

export function patchTag({ year, quarter }: Quarter): string {
  return `${String(year).padStart(4, "0")}-Q${quarter}`;
}

export function parsePatchTag(tag: string): Quarter | null {
  const match = TAG.exec(tag);
  if (!match) return null;
  return { year: Number(match[1]), quarter: Number(match[2]) as Quarter["quarter"] };
}

export function nextQuarter({ year, quarter }: Quarter): Quarter {
  return quarter === 4 ? { year: year + 1, quarter: 1 } : { year, quarter: (quarter + 1) as Quarter["quarter"] };
}

export function previousQuarter({ year, quarter }: Quarter): Quarter {
  return quarter === 1 ? { year: year - 1, quarter: 4 } : { year, quarter: (quarter - 1) as Quarter["quarter"] };
}

export function compareQuarters(a: Quarter, b: Quarter): number {
  return a.year - b.year || a.quarter - b.quarter;
}

/** Every quarter from `first` to `last`, both included. */
export function quartersBetween(first: Quarter, last: Quarter): Quarter[] {
  const out: Quarter[] = [];
  for (let q = first; compareQuarters(q, last) <= 0; q = nextQuarter(q)) out.push(q);
  return out;
}
