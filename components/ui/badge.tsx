import type { ReactNode } from "react";
import { cx } from "./cx";

export type Tone = "neutral" | "qa" | "production" | "success" | "warning" | "danger" | "info";

/** A short status word. Its look is `.badge` and `.badge-<tone>` in app/globals.css. */
export function Badge({ tone = "neutral", children, className }: { tone?: Tone; children: ReactNode; className?: string }) {
  return <span className={cx("badge", `badge-${tone}`, className)}>{children}</span>;
}
