import { Card, CardHeader } from "./card";
import { cx } from "./cx";

/**
 * What a streamed section shows while its data is on its way (the fallback of its <Suspense>): the
 * section's card and title at once, grey rows where the rows will be, announced once to a screen reader.
 */
export function SectionSkeleton({ title, rows = 5, className }: { title: string; rows?: number; className?: string }) {
  return (
    <Card className={className} aria-busy="true" aria-label={title}>
      <CardHeader title={title} />
      <div role="status" aria-live="polite" className="animate-pulse space-y-3 px-5 py-4">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className={cx("h-4 rounded bg-slate-200", i % 3 === 2 ? "w-2/3" : "w-full")} />
        ))}
        <span className="sr-only">Loading {title.toLowerCase()}…</span>
      </div>
    </Card>
  );
}
