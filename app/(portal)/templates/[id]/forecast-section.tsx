// The template page's forecast of its next upgrade window (issue 20 point 4): its own reads, streamed in its <Suspense>.
import { ForecastCard } from "@/components/forecast/forecast-card";
import type { TeamScope } from "@/lib/auth/permissions";
import { getTemplateForecast } from "@/lib/data/forecast";

export async function TemplateForecast({ templateId, zone, now, teams }: { templateId: string; zone: string; now: Date; teams: TeamScope }) {
  const forecast = await getTemplateForecast(templateId, now, teams);
  if (!forecast?.window) return null;
  return (
    <ForecastCard
      forecast={forecast.day}
      zone={zone}
      label="Window"
      testId="template-forecast"
      description={
        forecast.scope === "behind-target"
          ? "The members behind the target version in the window the upgrade runs in, as the rollout would start them."
          : "Every member is on target: how the next upgrade of all of them would go in the next window."
      }
    />
  );
}
