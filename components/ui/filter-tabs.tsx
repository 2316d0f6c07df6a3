import Link from "next/link";
import { cx } from "./cx";

/** "All" and one link per value, the current one marked: a list's filter by state. */
export function FilterTabs<T extends string>({
  label,
  values,
  current,
  labels,
  href,
  className,
}: {
  label: string;
  values: readonly T[];
  current: T | null;
  labels: Record<T, string>;
  href: (value: T | null) => string;
  className?: string;
}) {
  return (
    <nav aria-label={label} className={cx("flex flex-wrap gap-1 text-sm", className)}>
      {[null, ...values].map((value) => (
        <Link
          key={value ?? "all"}
          href={href(value)}
          aria-current={current === value ? "page" : undefined}
          className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
        >
          {value ? labels[value] : "All"}
        </Link>
      ))}
    </nav>
  );
}
