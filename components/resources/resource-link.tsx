import Link from "next/link";
import { cx } from "../ui/cx";

/** A resource's name, linking to its page. */
export function ResourceLink({ name, className }: { name: string; className?: string }) {
  return (
    <Link href={`/resources/${encodeURIComponent(name)}`} className={cx("whitespace-nowrap font-mono text-xs text-indigo-700 hover:underline", className)}>
      {name}
    </Link>
  );
}
