// Uploaded CSV files (the resource import, manual outcomes): read one way, with each record's line
// number and the header's names trimmed and in lower case, so that errors name a line and a column.
import "server-only";
import { parse } from "csv-parse/sync";

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
