import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ImportForm } from "@/components/resources/import-form";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { CSV_COLUMNS } from "@/lib/validation/resource-csv";

export const metadata: Metadata = { title: "Import resources" };

export default async function ImportPage() {
  const user = await requireUser();
  if (!can(user, { action: "resource:import" })) notFound();
  return (
    <>
      <PageHeader
        title="Import resources"
        description="Upload the inventory as CSV. Every row is checked first; if any row has an error nothing is imported. Rows are matched by name: new names are created, known ones updated."
      />
      <Card>
        <CardBody className="space-y-4">
          <p className="text-sm text-slate-600">
            Columns: <code className="break-all font-mono text-xs">{CSV_COLUMNS.join(",")}</code>. <code>team</code> is a team&apos;s short name,{" "}
            <code>group</code> is 1, 2 or 3, <code>tags</code> are separated by <code>;</code>. <code>service</code> and <code>cluster</code> may be empty.{" "}
            <code>address</code>, <code>ssh_port</code> and <code>ssh_user</code> (where the executors reach it) may be left out, which keeps them, or empty,
            which clears them. An export from the Resources page is a valid import.
          </p>
          <ImportForm />
        </CardBody>
      </Card>
    </>
  );
}
