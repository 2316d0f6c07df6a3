// A resource's latest executions (party slots and templates alike), newest first.
import type { ExecutionRow } from "@/lib/data/execution-rows";
import { Alert } from "../ui/alert";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ExecutionTable } from "./execution-table";

export function RecentExecutionsCard({ rows, viewerZone, limit }: { rows: ExecutionRow[]; viewerZone: string; limit: number }) {
  return (
    // Inline-size containment: in the page's grid column the wide table scrolls instead of widening the page.
    <Card aria-labelledby="executions" data-testid="resource-executions" className="[contain:inline-size]">
      <CardHeader
        id="executions"
        title="Recent executions"
        description={`What the executors (or people) recorded for this resource's upgrades: the last ${limit}.`}
      />
      {rows.length === 0 ? (
        <CardBody>
          <p className="text-sm text-slate-500">No upgrade has run on this resource yet.</p>
        </CardBody>
      ) : (
        <>
          {rows.some((r) => r.executor === "simulated") ? (
            <CardBody>
              <Alert tone="warning">Simulated rows are made up (demo data): no server was touched.</Alert>
            </CardBody>
          ) : null}
          <ExecutionTable caption="Recent executions" rows={rows} viewerZone={viewerZone} subject="run" testId="resource-execution-rows" />
        </>
      )}
    </Card>
  );
}
