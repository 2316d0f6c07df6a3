import Link from "next/link";

/** "Parent / current" above a page title. */
export function Breadcrumb({ parent, current }: { parent: { href: string; label: string }; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      <Link href={parent.href} className="hover:text-indigo-700">
        {parent.label}
      </Link>{" "}
      / <span className="text-slate-700">{current}</span>
    </nav>
  );
}
