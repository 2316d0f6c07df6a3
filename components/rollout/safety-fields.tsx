// A rollout's safety settings as the party slots' and a template's forms ask for them: how many at
// once, the canary share, and when to halt (lib/domain/rollout-safety.ts). Empty means no limit.
import type { Safety } from "@/lib/domain/rollout-safety";
import { Field } from "../ui/field";

type Props = {
  settings: Omit<Safety, "concurrency"> & { concurrency?: number };
  errors: Record<string, string[] | undefined>;
  /** What a share of "at once" is a share of: "slot" or "fleet". */
  of: string;
  /** The party slots also set a count; a template sets its count elsewhere (its concurrency form). */
  withCount?: boolean;
};

export function SafetyFields({ settings, errors, of, withCount = false }: Props) {
  const number = (name: keyof Safety, label: string, min: number, max: number | undefined, value: number | null | undefined, placeholder?: string) => (
    <Field label={label} name={name} type="number" min={min} max={max} defaultValue={value ?? ""} placeholder={placeholder} error={errors[name]?.[0]} />
  );
  return (
    <>
      {withCount ? number("concurrency", "At once (resources)", 1, 1000, settings.concurrency) : null}
      {number("concurrencyPercent", `At once (% of ${of})`, 1, 100, settings.concurrencyPercent, "use the count")}
      {number("canaryPercent", "Canary (% first)", 0, 100, settings.canaryPercent)}
      {number("maxFailures", "Halt after failures", 0, undefined, settings.maxFailures, "no limit")}
      {number("maxFailurePercent", "Halt above % failed", 1, 100, settings.maxFailurePercent, "no limit")}
    </>
  );
}
