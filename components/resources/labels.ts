import { KIND_LABELS, KINDS } from "@/lib/validation/resources";

const BY_DB_KIND = Object.fromEntries(Object.entries(KINDS).map(([slug, db]) => [db, KIND_LABELS[slug as keyof typeof KINDS]]));

export function kindLabel(dbKind: string) {
  return BY_DB_KIND[dbKind] ?? dbKind;
}
