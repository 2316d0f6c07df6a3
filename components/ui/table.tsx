import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cx } from "./cx";

export function Table({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    // `relative`: a visually hidden header (`sr-only`, absolutely placed) stays inside the scroller
    // instead of widening the page on a phone.
    // Focusable, so a table wider than a phone scrolls by keyboard too (axe: scrollable-region-focusable).
    <div tabIndex={0} className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" {...props} className={cx("cell-head", className)} />;
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td {...props} className={cx("cell", className)} />;
}
