import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
import { cx } from "./cx";
import { LengthCount } from "./length-count";

export const inputClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-rose-500";

type FrameProps = { label: ReactNode; name: string; error?: string; hint?: ReactNode };

/**
 * Label, control, hint and error of one form field, wired together: the control gets the id,
 * aria-invalid and aria-describedby it needs.
 */
function FieldFrame({
  label,
  name,
  error,
  hint,
  className,
  control,
}: FrameProps & { className?: string; control: (a11y: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode }) {
  const id = `field-${name}`;
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {control({ id, "aria-invalid": error ? true : undefined, "aria-describedby": described })}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input with its hint and error next to it. */
export function Field({ label, name, error, hint, className, ...input }: FrameProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame
      {...{ label, name, error, hint, className }}
      control={(a11y) => <input {...a11y} name={name} {...input} className={cx(inputClass, "mt-1")} />}
    />
  );
}

/**
 * A labelled textarea with its hint and error next to it. Its `maxLength` is said under it with a
 * count of what is used, not handed to the browser, which would cut a longer text silently; the
 * server refuses one with a message.
 */
export function TextAreaField({ label, name, error, hint, maxLength, className, ...rest }: FrameProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const counted =
    maxLength === undefined ? (
      hint
    ) : (
      <>
        {hint ? <>{hint} </> : null}
        <LengthCount field={`field-${name}`} max={maxLength} />
      </>
    );
  return (
    <FieldFrame
      {...{ label, name, error, hint: counted }}
      control={(a11y) => <textarea {...a11y} name={name} rows={3} {...rest} className={cx(inputClass, "mt-1", className)} />}
    />
  );
}

/** Patch group 1, 2 or 3 as radio buttons in a fieldset. */
export function GroupPicker({
  name = "group",
  defaultValue,
  error,
  legend = "Patch group",
}: {
  name?: string;
  defaultValue?: number;
  error?: string;
  legend?: string;
}) {
  return (
    <fieldset aria-describedby={error ? `${name}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-2 flex gap-2">
        {[1, 2, 3].map((g) => (
          <label
            key={g}
            className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-300 has-[:checked]:bg-indigo-50 has-[:checked]:ring-2 has-[:checked]:ring-indigo-600"
          >
            <input type="radio" name={name} value={g} defaultChecked={defaultValue === g} className="accent-indigo-600" />
            Group {g}
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
