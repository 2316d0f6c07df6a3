import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PartyRuleForm } from "@/components/admin/party-rule-form";
import { SlotRolloutForm } from "@/components/admin/slot-rollout-form";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { executorChoices, getSlotExecution, getSlotRollout } from "@/lib/data/slot-rollout";
import { SlotExecutionForm } from "@/components/admin/slot-execution-form";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getRuleRevision } from "@/lib/data/party-changes";
import { getPartyRule } from "@/lib/data/party-rule";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Party rule" };

export default async function PartyRulePage() {
  const user = await requireUser();
  if (!can(user, { action: "party-rule:edit" })) notFound();
  const [rule, revision, rollout, execution, choices, viewerZone] = await Promise.all([
    getPartyRule(),
    getRuleRevision(),
    getSlotRollout(),
    getSlotExecution(),
    executorChoices(),
    viewerTimeZone(),
  ]);
  const zones = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  return (
    <>
      <PageHeader
        title="Party rule"
        description="When the Patch Parties happen. Preview what a change does, then save: parties still to come that the rule placed move with it (calendar subscribers see them move); parties that have started, parties an admin moved by hand, and unless you say otherwise parties already announced, less than 14 days away or approved, stay where they are."
      />
      <Card>
        <CardBody>
          <PartyRuleForm rule={rule} revision={revision} zones={zones.includes(rule.timeZone) ? zones : [rule.timeZone, ...zones]} viewerZone={viewerZone} />
        </CardBody>
      </Card>
      <Card aria-labelledby="slot-rollouts" className="mt-6">
        <CardHeader
          id="slot-rollouts"
          title="How slots roll out"
          description="During each slot the worker patches the group's included resources a few at a time: a canary share first, waited for; a failure threshold halts the slot until an admin resumes it."
        />
        <CardBody>
          <SlotRolloutForm settings={rollout} />
        </CardBody>
      </Card>
      <Card aria-labelledby="slot-execution" className="mt-6">
        <CardHeader
          id="slot-execution"
          title="How slot members are executed"
          description="What patches each member of a slot (the installation's default unless named here), commands run before and after each, when starts stop before the slot ends, and how long a member may take."
        />
        <CardBody>
          <SlotExecutionForm settings={execution} defaultExecutor={choices.defaultExecutor} simulatedAllowed={choices.simulatedAllowed} />
        </CardBody>
      </Card>
    </>
  );
}
