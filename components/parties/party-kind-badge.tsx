import type { PartyKind } from "@/lib/domain";
import { Badge } from "../ui/badge";

export const PARTY_KIND_LABELS: Record<PartyKind, string> = { qa: "QA Patch Party", production: "Production Patch Party" };

export function PartyKindBadge({ kind }: { kind: PartyKind }) {
  return <Badge tone={kind === "qa" ? "qa" : "production"}>{kind === "qa" ? "QA" : "Production"}</Badge>;
}
