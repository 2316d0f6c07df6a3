import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PolicyForm } from "@/components/policies/policy-form";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "New maintenance policy" };

export default async function NewPolicyPage() {
  const user = await requireUser();
  if (!can(user, { action: "policy:create" })) notFound();
  return (
    <>
      <Breadcrumb parent={{ href: "/policies", label: "Policies" }} current="New" />
      <PageHeader title="New maintenance policy" description="A unique name, tags, and one or more upgrade schedules. All times are UTC." />
      <Card>
        <CardBody>
          <PolicyForm canDelete={false} viewerZone={await viewerTimeZone()} />
        </CardBody>
      </Card>
    </>
  );
}
