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
