import { newestFirstCursor } from "@/lib/validation/common";
import { ButtonLink } from "./button";

/** Keyset pagination: back to the first page, on to the next. */
export function Pager({
  firstHref,
  nextHref,
  nextLabel = "Next page",
  firstLabel = "First page",
}: {
  firstHref?: string | null;
  nextHref?: string | null;
  nextLabel?: string;
  firstLabel?: string;
}) {
  if (!firstHref && !nextHref) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex gap-2">
      {firstHref ? <ButtonLink href={firstHref}>{firstLabel}</ButtonLink> : null}
      {nextHref ? <ButtonLink href={nextHref}>{nextLabel}</ButtonLink> : null}
    </nav>
  );
}

/** The pager of a newest-first list (changes, notices): `href(cursor)` is the page that starts after `cursor`. */
export function NewestFirstPager({ href, paged, next }: { href: (cursor?: string) => string; paged: boolean; next: { at: Date; id: string } | null }) {
  return <Pager firstHref={paged ? href() : null} nextHref={next ? href(newestFirstCursor(next)) : null} />;
}
