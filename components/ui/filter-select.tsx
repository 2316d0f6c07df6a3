"use client";
// A client leaf for one reason: its options reach the browser as data ([value, label] pairs), not
// as one server-rendered element each. React's server renderer moves every element past the first
// ~3 kB of a row into a row of its own, and the HTML renderer then streams each as a separate
// segment: a 300-team list was 300 rows and 300 segments on every filtered page.
import { inputClass } from "./field";

export type FilterOption = readonly [value: string, label: string];

/** A labelled select of a GET filter form; `value` is the current filter ("" for none). */
export function FilterSelect({ id, label, name, value, options }: { id: string; label: string; name: string; value?: string | number; options: readonly FilterOption[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value === undefined ? "" : String(value)} className={`${inputClass} mt-1`}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
