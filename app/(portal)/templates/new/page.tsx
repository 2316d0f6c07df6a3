import type { Metadata } from "next";
import Link from "next/link";
import { NewTemplateForm } from "@/components/templates/template-forms";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { linkablePolicies } from "@/lib/data/templates";
import { listTeams } from "@/lib/data/users";
import { ENVIRONMENTS, KIND_LABELS, KINDS } from "@/lib/validation/resources";

export const metadata: Metadata = { title: "New fleet template" };

export default async function NewTemplatePage() {
  const user = await requireUser();
  const [policies, teams] = await Promise.all([linkablePolicies(), listTeams(null)]);
  return (
    <>
      <Breadcrumb parent={{ href: "/templates", label: "Templates" }} current="New template" />
      <PageHeader
        title="New fleet template"
        description="Members start on the version you give; set a new target version later and they are upgraded in the policy’s windows."
      />
      {!can(user, { action: "template:manage" }) ? (
        <EmptyState title="Only admins create templates">Ask an admin to create it for you.</EmptyState>
      ) : policies.length === 0 ? (
        <EmptyState title="No policy with a schedule yet">
          A template follows a maintenance policy with at least one upgrade schedule.{" "}
          <Link href="/policies/new" className="text-indigo-700 underline hover:no-underline">
            Create a policy
          </Link>{" "}
          first.
        </EmptyState>
      ) : (
        <Card>
          <CardBody>
            <NewTemplateForm
              policies={policies}
              choices={{
                kinds: Object.keys(KINDS).map((k) => [k, KIND_LABELS[k as keyof typeof KINDS]] as const),
                teams: teams.map((t) => [t.slug, t.name] as const),
                environments: Object.keys(ENVIRONMENTS).map((e) => [e, e] as const),
              }}
            />
          </CardBody>
        </Card>
      )}
    </>
  );
}
