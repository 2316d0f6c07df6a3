import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PartyRuleForm } from "@/components/admin/party-rule-form";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getRuleRevision } from "@/lib/data/party-changes";
import { getPartyRule } from "@/lib/data/party-rule";

export const metadata: Metadata = { title: "Party rule" };

export default async function PartyRulePage() {
  const user = await requireUser();
  if (!can(user, { action: "party-rule:edit" })) notFound();
  const [rule, revision] = await Promise.all([getPartyRule(), getRuleRevision()]);
  const zones = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  return (
    <>
      <PageHeader
        title="Party rule"
        description="When the Patch Parties happen. Preview what a change does, then save: parties still to come that the rule placed move with it (calendar subscribers see them move); parties that have started, and parties an admin moved by hand, stay where they are."
      />
      <Card>
        <CardBody>
          <PartyRuleForm rule={rule} revision={revision} zones={zones.includes(rule.timeZone) ? zones : [rule.timeZone, ...zones]} />
        </CardBody>
      </Card>
    </>
  );
}
