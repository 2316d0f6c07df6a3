// A party's forecast as GET /api/v1/parties/{tag}/{kind}/forecast answers it (ISO-8601 UTC times).
import "server-only";
import type { TeamScope } from "../auth/permissions";
import type { PartyForecast } from "../data/forecast";
import { getPartyForecast } from "../data/forecast";
import type { PartyKind } from "../domain";
import { apiError } from "./respond";

export function partyForecastJson({ party, settings, day }: PartyForecast) {
  return {
    party: { tag: party.tag, kind: party.kind, status: party.status, startsAt: party.startsAt.toISOString(), endsAt: party.endsAt.toISOString() },
    settings,
    slots: day.windows.map((w) => ({
      group: w.group ?? 0,
      startsAt: w.start.toISOString(),
      endsAt: w.end.toISOString(),
      cutoffAt: w.cutoff.toISOString(),
      resources: w.size,
      concurrency: w.concurrency,
      canary: w.canary,
      expectedFinishAt: w.expectedFinish?.toISOString() ?? null,
      fits: w.fits,
      estimates: w.estimates,
      spill: w.spill,
      spillOver: w.spillOver.map((m) => ({
        resource: m.name,
        service: m.service?.name ?? null,
        reason: m.spill ?? "overrun",
        expectedStartAt: m.start.toISOString(),
        expectedFinishAt: m.finish.toISOString(),
        minutes: m.minutes,
        source: m.source,
      })),
      services: w.services.map((s) => ({ name: s.name, servers: s.servers, wholeService: s.wholeService })),
    })),
    services: day.services.map((s) => ({
      name: s.name,
      servers: s.servers,
      downMinutes: s.downMinutes,
      anyDownMinutes: s.anyDownMinutes,
      allDownMinutes: s.allDownMinutes,
      wholeServiceInGroup: typeof s.wholeServiceIn === "number" ? s.wholeServiceIn : null,
    })),
  };
}

export async function partyForecastResponse(tag: string, kind: PartyKind, teams: TeamScope): Promise<Response> {
  const forecast = await getPartyForecast(tag, kind, teams);
  if (!forecast) return apiError(404, `There is no ${kind} party ${tag}.`);
  return Response.json(partyForecastJson(forecast));
}
