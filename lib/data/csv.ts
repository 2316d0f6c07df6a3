// Uploaded CSV files (the resource import, manual outcomes): read one way, with each record's line
// number and the header's names trimmed and in lower case, so that errors name a line and a column.
// Exports (resources, audit, compliance, a party's outcomes) are written one way too: `writeCsv`.
import "server-only";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** A problem in an uploaded file: its line, the column ("" for the whole line), and what is wrong. */
export type CsvError = { line: number; column: string; message: string };
export type CsvRecord = { record: Record<string, string>; info: { lines: number } };

/**
 * The file's header and records, or the error csv-parse stopped at. `shortRows` lets a row leave
 * out trailing columns; otherwise every row has as many as the header.
 */
export function readCsv(csv: string, { shortRows = false } = {}): { header: string[]; records: CsvRecord[] } | { error: CsvError } {
  let records: CsvRecord[];
  try {
    records = parse(csv, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      info: true,
      ...(shortRows ? { relax_column_count_less: true } : { relax_column_count: false }),
    });
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { error: { line: e.lines ?? 1, column: "", message: e.message.replace(/^Invalid Record Length: /, "") } };
  }
  const header = records[0]
    ? Object.keys(records[0].record)
    : (csv.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "").split(",").map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ""));
  return { header, records };
}

export type CsvValue = string | number | boolean | Date | null | undefined;

/**
 * A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
 * return: OWASP's "CSV injection") gets a leading apostrophe, so a reason typed as `=HYPERLINK(…)`
 * is shown as text. Numbers stay numbers; dates are ISO-8601 UTC; null is an empty cell.
 */
export function csvCell(value: CsvValue): string | number {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Rows (the header first, if any) as CSV text, each cell through `csvCell`. */
export const writeCsv = (rows: readonly (readonly CsvValue[])[]): string => stringify(rows.map((row) => row.map(csvCell)));
