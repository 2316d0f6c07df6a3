// The forecast of a patch day (lib/domain/forecast.ts), compact: one row per slot or window
// (will it fit, when would it finish, who would likely spill over, which services go down whole),
// and the downtime per service folded underneath.
import { DateTime } from "luxon";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatDateTime, formatMinutes, formatRange, formatTime, zoneAbbreviation } from "@/lib/format";
import type { Frozen } from "@/lib/cache/store";
import type { DayForecast, WindowForecast } from "@/lib/domain/forecast";

const SHOWN = 3;

/** "a, b, c and 4 more", of `total` of which `names` are the first. */
function someOf(names: readonly string[], total: number) {
  const shown = names.slice(0, SHOWN).join(", ");
  return total > SHOWN ? `${shown} and ${(total - SHOWN).toLocaleString("en")} more` : shown;
}

/** The time in UTC (with the date when it is not the window's day), and in the viewer's zone when it differs. */
function When({ at, day, zone }: { at: Date; day: Date; zone: string }) {
  const text = (z: string) =>
    DateTime.fromJSDate(at, { zone: z }).hasSame(DateTime.fromJSDate(day, { zone: z }), "day") ? formatTime(at, z) : formatDateTime(at, z);
  return (
    <span className="inline-flex flex-col leading-tight">
      <time dateTime={at.toISOString()} className="whitespace-nowrap tabular-nums text-slate-900">
        {text("UTC")} UTC
      </time>
      {zone !== "UTC" ? (
        <span className="whitespace-nowrap text-xs tabular-nums text-slate-500">
          {text(zone)} {zoneAbbreviation(at, zone)}
        </span>
      ) : null}
    </span>
  );
}

function Outlook({ w }: { w: Frozen<WindowForecast> }) {
  if (w.size === 0) return <Badge>nothing to do</Badge>;
  if (w.fits) return <Badge tone="success">fits</Badge>;
  const { notStarted: late, overrun } = w.spill;
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Badge tone="warning">spills over</Badge>
      <span className="text-xs text-slate-600">
        {late ? `${late.toLocaleString("en")} would not start` : null}
        {late && overrun ? " · " : null}
        {overrun ? `${overrun.toLocaleString("en")} would overrun` : null}
      </span>
    </span>
  );
}

const sameDay = (a: Date, b: Date) => DateTime.fromJSDate(a, { zone: "UTC" }).hasSame(DateTime.fromJSDate(b, { zone: "UTC" }), "day");

function WindowLabel({ w }: { w: Frozen<WindowForecast> }) {
  return (
    <div>
      <Badge>{w.label}</Badge>
      <div className="mt-1 text-xs tabular-nums text-slate-700">
        {/* A template's window says its day (a party's page says it already); a range over midnight has both dates. */}
        {w.group === null && sameDay(w.start, w.end) ? `${formatDate(w.start, "UTC")}, ` : ""}
        {formatRange(w.start, w.end, "UTC")} UTC
      </div>
      <div className="text-xs text-slate-500">
        {w.size.toLocaleString("en")} server{w.size === 1 ? "" : "s"} · {w.concurrency.toLocaleString("en")} at once
        {w.canary ? ` · canary ${w.canary.toLocaleString("en")}` : ""}
      </div>
    </div>
  );
}

function Spill({ w }: { w: Frozen<WindowForecast> }) {
  const total = w.spill.notStarted + w.spill.overrun;
  return (
    <>
      {total
        ? someOf(
            w.spillOver.map((m) => m.name),
            total,
          )
        : "—"}
    </>
  );
}

/** The services whose every production server is in this slot or window. */
function Whole({ w }: { w: Frozen<WindowForecast> }) {
  const whole = w.services.filter((s) => s.wholeService);
  if (whole.length === 0) return <span className="text-xs text-slate-500">none</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {whole.slice(0, SHOWN).map((s) => (
        <Badge key={s.id} tone="danger">
          {s.name}
        </Badge>
      ))}
      {whole.length > SHOWN ? <span className="text-xs text-slate-500">and {whole.length - SHOWN} more</span> : null}
    </span>
  );
}

export function ForecastCard({
  forecast,
  zone,
  description,
  label,
  testId = "forecast",
}: {
  forecast: Frozen<DayForecast>;
  zone: string;
  description: string;
  /** What a row is: "Group" for a party's slots, "Window" for a template. */
  label: string;
  testId?: string;
}) {
  const estimates = { history: 0, plan: 0, default: 0 };
  for (const w of forecast.windows) for (const [k, v] of Object.entries(w.estimates)) estimates[k as keyof typeof estimates] += v;
  const services = forecast.services.slice(0, 10);
  return (
    <Card aria-labelledby={`${testId}-title`} className="mt-6" data-testid={testId}>
      <CardHeader id={`${testId}-title`} title="Forecast" description={description} />
      {/* A phone gets each slot as a short block; wider screens a table. */}
      <ul className="divide-y divide-slate-100 md:hidden">
        {forecast.windows.map((w) => (
          <li key={w.label} className="space-y-2 px-5 py-3">
            <div className="flex items-start justify-between gap-3">
              <WindowLabel w={w} />
              <Outlook w={w} />
            </div>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-slate-500">Done by</dt>
              <dd>{w.expectedFinish ? <When at={w.expectedFinish} day={w.start} zone={zone} /> : "—"}</dd>
              <dt className="text-slate-500">Spill over</dt>
              <dd className="min-w-0 break-words text-slate-700">
                <Spill w={w} />
              </dd>
              <dt className="text-slate-500">Whole service down</dt>
              <dd>
                <Whole w={w} />
              </dd>
            </dl>
          </li>
        ))}
      </ul>
      <div className="hidden md:block">
        <Table caption={`Forecast per ${label.toLowerCase()}`}>
          <thead>
            <tr>
              <Th>{label}</Th>
              <Th>Done by</Th>
              <Th>Outlook</Th>
              <Th>Likely to spill over</Th>
              <Th>Whole service down</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {forecast.windows.map((w) => (
              <tr key={w.label} data-testid={`${testId}-${w.group ?? "window"}`}>
                <Td>
                  <WindowLabel w={w} />
                </Td>
                <Td>{w.expectedFinish ? <When at={w.expectedFinish} day={w.start} zone={zone} /> : "—"}</Td>
                <Td>
                  <Outlook w={w} />
                </Td>
                <Td className="max-w-xs text-xs text-slate-700">
                  <Spill w={w} />
                </Td>
                <Td className="max-w-xs">
                  <Whole w={w} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      <CardBody className="space-y-3 border-t border-slate-100 text-sm text-slate-600">
        <p>
          Durations: {estimates.history.toLocaleString("en")} from past patches (median of the last 10), {estimates.plan.toLocaleString("en")} from the upgrade
          plan, {estimates.default.toLocaleString("en")} assumed (half the member timeout).
        </p>
        {services.length ? (
          <details>
            <summary className="cursor-pointer font-medium text-slate-800">
              Expected downtime per service ({forecast.services.length.toLocaleString("en")})
            </summary>
            <div className="mt-2">
              <Table caption="Expected downtime per service">
                <thead>
                  <tr>
                    <Th>Service</Th>
                    <Th className="hidden text-right sm:table-cell">Servers</Th>
                    <Th className="text-right">Some server down</Th>
                    <Th className="text-right">All down at once</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {services.map((s) => (
                    <tr key={s.id}>
                      <Td>
                        {s.name}
                        {s.wholeServiceIn !== null ? (
                          <Badge tone="danger" className="ml-2">
                            all in {typeof s.wholeServiceIn === "number" ? `group ${s.wholeServiceIn}` : "one window"}
                          </Badge>
                        ) : null}
                      </Td>
                      <Td className="hidden text-right tabular-nums sm:table-cell">{s.servers.toLocaleString("en")}</Td>
                      <Td className="text-right tabular-nums">{formatMinutes(s.anyDownMinutes)}</Td>
                      <Td className="text-right tabular-nums">{s.allDownMinutes ? formatMinutes(s.allDownMinutes) : "—"}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              {forecast.services.length > services.length ? <p className="mt-2 text-xs text-slate-500">The ten down longest.</p> : null}
            </div>
          </details>
        ) : null}
      </CardBody>
    </Card>
  );
}
