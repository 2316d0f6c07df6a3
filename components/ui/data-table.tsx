"use client";
// The table for long lists (tens to hundreds of rows). A client leaf for speed, not interaction:
// the rows reach the browser as data, and the HTML is rendered from them once. The same 100 rows
// written as server-component elements cost four times the server time (the element tree is
// serialised for the browser and rendered again to HTML) and 70 % more bytes; see
// docs/decisions/010-long-lists.md. Cells are data, so a server page builds them.
import Link from "next/link";
import { Badge, type Tone } from "./badge";
import { cx } from "./cx";
import { Table, Td, Th } from "./table";

/** One cell: text, a link (a resource name is `mono`), or a badge. Null shows as "–". */
export type Cell = string | number | null | { href: string; text: string; mono?: boolean } | { badge: string; tone: Tone };

export type Column = { label: string; align?: "right"; nowrap?: boolean; muted?: boolean; wide?: boolean };

export type Row = { key: string; cells: Cell[] };

function CellContent({ cell }: { cell: Cell }) {
  if (cell === null || cell === "") return "–";
  if (typeof cell === "string") return cell;
  if (typeof cell === "number") return cell.toLocaleString("en");
  if ("badge" in cell) return <Badge tone={cell.tone}>{cell.badge}</Badge>;
  return (
    <Link href={cell.href} className={cell.mono ? "row-link-mono" : "row-link"}>
      {cell.text}
    </Link>
  );
}

export function DataTable({ caption, columns, rows, testId }: { caption: string; columns: Column[]; rows: Row[]; testId?: string }) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          {columns.map((c) => (
            <Th key={c.label} className={c.align === "right" ? "text-right" : undefined}>
              {c.label}
            </Th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100" data-testid={testId}>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) => {
              const column = columns[i]!;
              return (
                <Td
                  key={column.label}
                  className={cx(
                    column.align === "right" && "text-right tabular-nums",
                    column.nowrap && "whitespace-nowrap tabular-nums",
                    column.muted && "text-slate-600",
                    column.wide && "max-w-md",
                  )}
                >
                  <CellContent cell={cell} />
                </Td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
