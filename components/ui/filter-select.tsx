"use client";
// A client leaf for two reasons. Its options reach the browser as data ([value, label] pairs), not
// as one server-rendered element each: React's server renderer moves every element past the first
// ~3 kB of a row into a row of its own, and the HTML renderer then streams each as a separate
// segment, so a 300-team list was 300 rows and 300 segments on every filtered page. And a long
// list is drawn in the browser only: the server's HTML has just the chosen option (300 options
// were a quarter of a list page's elements, docs/benchmarks.md item 23); the rest appear as the
// page hydrates, before anyone can open the select.
import { useSyncExternalStore } from "react";
import { inputClass } from "./field";

export type FilterOption = readonly [value: string, label: string];

/** Options up to this many are in the server's HTML too. */
const DRAWN_ON_SERVER = 20;

const subscribe = () => () => {};
/** False on the server and while hydrating, true once the page is interactive. */
const useHydrated = () =>
  useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );

/** A labelled select of a GET filter form; `value` is the current filter ("" for none). */
export function FilterSelect({
  id,
  label,
  name,
  value,
  options,
  fixed = false,
}: {
  id: string;
  label: string;
  name: string;
  value?: string | number;
  options: readonly FilterOption[];
  /**
   * A fixed list of the app's own (the audit's actions, some fifty): every option is in the
   * server's HTML, so the filter works before JavaScript loads. Lists from the database (teams,
   * hundreds) keep only the chosen one there.
   */
  fixed?: boolean;
}) {
  const current = value === undefined ? "" : String(value);
  const hydrated = useHydrated();
  const shown = fixed || hydrated || options.length <= DRAWN_ON_SERVER ? options : options.filter(([v]) => v === current).slice(0, 1);
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} name={name} defaultValue={current} className={`${inputClass} mt-1`}>
        {(shown.length ? shown : options.slice(0, 1)).map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
