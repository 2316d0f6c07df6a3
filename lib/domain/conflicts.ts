// Conflicts found before they happen (issue 16, point 5): a server that a party slot patches while
// an upgrade window of its template is open would be patched and upgraded at once, each rebooting
// it under the other. A template member counts directly or through its cluster (a cluster's
// nodes sit in the group slots of their own patch groups). Pure: the data layer hands in the
// parties, the windows of each template's policy and, per template, how many of its servers
// (not excluded) each environment and patch group holds.
import type { Environment } from "./freezes";
import type { PartyKind } from "./party-rule";

export type ConflictParty = {
  tag: string;
  kind: PartyKind;
  cancelled: boolean;
  slots: readonly { group: number; startsAt: Date; endsAt: Date }[];
};
export type ConflictTemplate = { id: string; name: string; windows: readonly { scheduleName: string; start: Date; end: Date }[] };
/** How many servers of a template (members, or nodes of member clusters) a party of `environment` patches in `group`. */
export type TemplateScope = { templateId: string; environment: Environment; group: number; servers: number; names: readonly string[] };

export type WindowConflict = {
  kind: "template-window";
  party: { tag: string; kind: PartyKind };
  group: number;
  slot: { startsAt: Date; endsAt: Date };
  template: { id: string; name: string };
  window: { schedule: string; startsAt: Date; endsAt: Date };
  /** How many servers would be patched and upgraded at once, and the first few names. */
  servers: number;
  names: readonly string[];
  fix: string;
};

const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { start: Date; end: Date }) => a.startsAt < b.end && b.start < a.endsAt;
const environmentOf = (kind: PartyKind): Environment => (kind === "production" ? "production" : "non-production");

/** Every slot × template window overlap that holds servers of that template, in time order. */
export function windowConflicts(parties: readonly ConflictParty[], templates: readonly ConflictTemplate[], scopes: readonly TemplateScope[]): WindowConflict[] {
  const scopeOf = new Map(scopes.map((s) => [`${s.templateId}:${s.environment}:${s.group}`, s]));
  const found: WindowConflict[] = [];
  for (const party of parties) {
    if (party.cancelled) continue;
    const environment = environmentOf(party.kind);
    for (const template of templates) {
      for (const slot of party.slots) {
        const scope = scopeOf.get(`${template.id}:${environment}:${slot.group}`);
        if (!scope || scope.servers === 0) continue;
        for (const window of template.windows) {
          if (!overlaps(slot, window)) continue;
          found.push({
            kind: "template-window",
            party: { tag: party.tag, kind: party.kind },
            group: slot.group,
            slot: { startsAt: slot.startsAt, endsAt: slot.endsAt },
            template: { id: template.id, name: template.name },
            window: { schedule: window.scheduleName, startsAt: window.start, endsAt: window.end },
            servers: scope.servers,
            names: scope.names,
            fix: suggestFix(party, slot.group, template),
          });
        }
      }
    }
  }
  return found.sort((a, b) => a.slot.startsAt.getTime() - b.slot.startsAt.getTime() || a.group - b.group || a.template.name.localeCompare(b.template.name));
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/** Another group of the same party whose slot misses every window of the template, else a change of the policy. */
function suggestFix(party: ConflictParty, group: number, template: ConflictTemplate): string {
  const clear = party.slots.find((s) => s.group !== group && !template.windows.some((w) => overlaps(s, w)));
  const policy = `or change the schedule of ${template.name}'s policy so that its window misses group ${group}'s slot`;
  return clear
    ? `Move these servers to group ${clear.group} (its slot, ${hhmm(clear.startsAt)}–${hhmm(clear.endsAt)} UTC, misses the window), ${policy}.`
    : `Exclude these servers from the ${party.tag} ${party.kind} party, ${policy}.`;
}
