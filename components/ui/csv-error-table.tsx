import { Table, Td, Th } from "./table";

export type CsvLineError = { line: number; column: string; message: string };

/** The rows of an uploaded CSV that failed its checks, by line and column. */
export function CsvErrorTable({ errors, testId }: { errors: CsvLineError[]; testId: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white">
      <Table caption="Errors in the file">
        <thead>
          <tr>
            <Th>Line</Th>
            <Th>Column</Th>
            <Th>Problem</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100" data-testid={testId}>
          {errors.map((e, i) => (
            <tr key={i}>
              <Td className="tabular-nums">{e.line}</Td>
              <Td className="font-mono text-xs">{e.column || "–"}</Td>
              <Td>{e.message}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
