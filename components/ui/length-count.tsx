"use client";
// How much of a text field's limit is used, under the field. The limit is said rather than
// enforced by the browser: `maxLength` silently drops whatever is typed or pasted past it (a
// 10,000-character reason became its first 500); the server refuses an over-long text with a
// message at the field instead.
import { useEffect, useState } from "react";

export function LengthCount({ field, max }: { field: string; max: number }) {
  const [used, setUsed] = useState<number | null>(null);
  useEffect(() => {
    const control = document.getElementById(field) as HTMLTextAreaElement | HTMLInputElement | null;
    if (!control) return;
    const count = () => setUsed(control.value.length);
    // React resets a form after its action without an input event: count again after a reset.
    const reset = () => setTimeout(count);
    count();
    control.addEventListener("input", count);
    control.form?.addEventListener("reset", reset);
    return () => {
      control.removeEventListener("input", count);
      control.form?.removeEventListener("reset", reset);
    };
  }, [field]);
  if (used === null) return <span>At most {max.toLocaleString("en")} characters.</span>;
  const over = used - max;
  return (
    <span className={over > 0 ? "font-medium text-rose-700" : undefined} data-testid={`${field}-count`}>
      {used.toLocaleString("en")} of {max.toLocaleString("en")} characters{over > 0 ? `: ${over.toLocaleString("en")} too many` : ""}.
    </span>
  );
}
