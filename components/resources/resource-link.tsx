import Link from "next/link";
import { cx } from "../ui/cx";

/** A resource's name, linking to its page. */
export function ResourceLink({ name, className }: { name: string; className?: string }) {
  return (
    <Link href={resourceHref(name)} className={cx("whitespace-nowrap font-mono text-xs text-indigo-700 hover:underline", className)}>
      {name}
    </Link>
  );
}

export const resourceHref = (name: string) => `/resources/${encodeURIComponent(name)}`;

/** The same link as a cell of a DataTable. */
export const resourceCell = (name: string) => ({ href: resourceHref(name), text: name, mono: true });
