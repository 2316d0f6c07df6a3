// The party page's forecast (issue 20 point 4): its own reads, streamed in its <Suspense>.
import { ForecastCard } from "@/components/forecast/forecast-card";
import type { TeamScope } from "@/lib/auth/permissions";
import { getPartyForecast } from "@/lib/data/forecast";
import type { PartyKind } from "@/lib/domain";

export async function PartyForecast({ tag, kind, zone, teams }: { tag: string; kind: PartyKind; zone: string; teams: TeamScope }) {
  const forecast = await getPartyForecast(tag, kind, teams);
  if (!forecast) return null;
  const { settings } = forecast;
  return (
    <ForecastCard
      forecast={forecast.day}
      zone={zone}
      label="Group"
      description={`If it ran with today's included servers: ${settings.concurrencyPercent ? `${settings.concurrencyPercent} % of a slot` : settings.concurrency} at once, canary ${settings.canaryPercent} % first, no start in a slot's last ${settings.cutoffMinutes} minutes.`}
    />
  );
}
