import Link from "next/link";
import { Alert } from "../ui/alert";
import { Card, CardBody, CardHeader } from "../ui/card";
import { NOTICE_KIND_LABELS, NoticeStateBadge } from "./notice-state-badge";

/** The customer notices of one window (a party, a template upgrade): counts by kind and state, and a short-notice flag. */
export function NoticesCard({
  counts,
  shortNotice,
  testId,
  className,
  linkToNotices,
}: {
  counts: { kind: string; state: string; count: number }[];
  shortNotice: string | null;
  testId: string;
  className?: string;
  /** Whether the viewer may open the notices themselves (they hold customers' addresses). */
  linkToNotices: boolean;
}) {
  return (
    <Card aria-labelledby={`${testId}-title`} className={className}>
      <CardHeader
        id={`${testId}-title`}
        title="Customer notices"
        action={
          linkToNotices ? (
            <Link href="/notifications" className="text-sm text-indigo-700 hover:underline">
              All notices
            </Link>
          ) : undefined
        }
      />
      <CardBody className="space-y-3 text-sm">
        {shortNotice ? <Alert tone="warning">Short notice: {shortNotice} — less than the two weeks they are promised.</Alert> : null}
        {counts.length ? (
          <ul className="flex flex-wrap gap-2" data-testid={testId}>
            {counts.map((c) => (
              <li key={`${c.kind}-${c.state}`} className="flex items-center gap-1">
                {NOTICE_KIND_LABELS[c.kind] ?? c.kind}: <NoticeStateBadge state={c.state} /> × {c.count}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-500">No notice has been recorded yet: customers are told 14 days before the window.</p>
        )}
      </CardBody>
    </Card>
  );
}
