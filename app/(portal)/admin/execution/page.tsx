import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getSlotExecution } from "@/lib/data/slot-rollout";
import { listTemplateExecutors } from "@/lib/data/templates";
import { env } from "@/lib/env";
import { EXECUTOR_LABELS, EXECUTOR_NAMES, type ExecutorName, defaultExecutor } from "@/lib/domain";
import { holdsDemoData } from "@/lib/data/installation";
import { listExecutorSetups, type ExecutorSetup } from "@/lib/rollout/setup";

export const metadata: Metadata = { title: "Execution" };

const NEEDS: Record<ExecutorName, string> = {
  manual: "Nothing: operators record outcomes on the party slot's and the template's pages, by CSV upload, or through the executions API.",
  ssh: "A private key file and a known hosts file on this server; each resource's address (and port and user, if not 22 and PATCHPARTY_SSH_USER).",
  ansible: "ansible-playbook on this server and a playbook; the inventory and variables are generated for each batch.",
  webhook:
    "The URL your automation receives upgrades at, and the secret the deliveries are signed with. It reports back through the executions API with an executor's token.",
  simulated: "Nothing. For the demo and the tests: the outcomes are made up.",
};

const isExecutor = (name: string | null): name is ExecutorName => (EXECUTOR_NAMES as readonly string[]).includes(name ?? "");

function ReadyBadge({ setup }: { setup: ExecutorSetup | undefined }) {
  if (!setup) return <Badge tone="danger">unknown executor</Badge>;
  return setup.ready ? <Badge tone="success">ready</Badge> : <Badge tone="warning">not ready</Badge>;
}

function ChosenExecutor({ name, setups }: { name: string; setups: Map<string, ExecutorSetup> }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span className="font-medium text-slate-900">{isExecutor(name) ? EXECUTOR_LABELS[name] : name}</span>
      <ReadyBadge setup={setups.get(name)} />
    </span>
  );
}

export default async function ExecutionPage() {
  const user = await requireUser();
  if (!can(user, { action: "execution:configure" })) notFound();
  const [demoData, setupList, slots, templates] = await Promise.all([holdsDemoData(), listExecutorSetups(), getSlotExecution(), listTemplateExecutors()]);
  const active = defaultExecutor(env().PATCHPARTY_EXECUTOR, demoData);
  const setups = new Map(setupList.map((s) => [s.name, s]));
  return (
    <>
      <PageHeader
        title="Execution"
        description={
          <>
            What runs the upgrades of the party slots and the fleet templates. The installation&apos;s default comes from{" "}
            <code className="font-mono">PATCHPARTY_EXECUTOR</code>; the party rule and each template may name their own. The settings are environment variables:
            change them and restart.
          </>
        }
      />
      <div className="grid gap-6">
        <Card aria-labelledby="default-heading">
          <CardHeader id="default-heading" title="Default executor" />
          <CardBody className="grid gap-3">
            <p className="flex flex-wrap items-center gap-2 text-lg" data-testid="active-executor">
              <ChosenExecutor name={active.name} setups={setups} />
            </p>
            <p className="text-sm text-slate-600">
              {active.why === "PATCHPARTY_EXECUTOR" ? (
                <>
                  Set by <code className="font-mono">PATCHPARTY_EXECUTOR={active.name}</code>.
                </>
              ) : (
                `${active.why.charAt(0).toUpperCase()}${active.why.slice(1)}.`
              )}
            </p>
            {demoData ? (
              <Alert tone="warning">
                The database holds the demo data: its outcomes are made up. Unless <code className="font-mono">PATCHPARTY_EXECUTOR</code> names another, new
                upgrades are simulated too.
              </Alert>
            ) : null}
          </CardBody>
        </Card>

        <Card aria-labelledby="executors-heading">
          <CardHeader id="executors-heading" title="Executors" description="What each one needs, and whether this server has it. Secrets are never shown." />
          <ul className="divide-y divide-slate-100">
            {setupList.map((setup) => (
              <li key={setup.name} className="grid gap-2 px-5 py-4 sm:grid-cols-[14rem_1fr]">
                <div className="flex flex-wrap items-center gap-2 sm:block">
                  <h3 className="font-medium text-slate-900">{EXECUTOR_LABELS[setup.name]}</h3>
                  <p className="flex flex-wrap gap-1.5 sm:mt-1">
                    <ReadyBadge setup={setup} />
                    {setup.name === active.name ? <Badge tone="info">default</Badge> : null}
                  </p>
                </div>
                <div className="grid gap-2 text-sm">
                  <p className="text-slate-600">{NEEDS[setup.name]}</p>
                  {setup.checks.length ? (
                    <ul className="grid gap-1" aria-label={`${setup.name} settings`}>
                      {setup.checks.map((check) => (
                        <li key={check.what} className="flex items-baseline gap-2">
                          <span aria-hidden="true" className={check.ok ? "text-emerald-600" : "text-amber-600"}>
                            {check.ok ? "✓" : "✗"}
                          </span>
                          <span className="min-w-0">
                            <span className="sr-only">{check.ok ? "Set: " : "Missing: "}</span>
                            <span className="font-medium text-slate-800">{check.what}</span>:{" "}
                            <span className="text-slate-700 [overflow-wrap:anywhere]">{check.detail}</span>
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        </Card>

        <Card aria-labelledby="overrides-heading">
          <CardHeader id="overrides-heading" title="Who names their own" description="A party rule's or a template's choice wins over the default." />
          <CardBody className="grid gap-4 text-sm">
            <p data-testid="slot-executor">
              <span className="font-medium text-slate-900">Party slots: </span>
              {slots.executor ? (
                <>
                  <ChosenExecutor name={slots.executor} setups={setups} /> (set on the{" "}
                  <Link href="/admin/party-rule" className="text-indigo-700 underline hover:no-underline">
                    party rule
                  </Link>
                  )
                </>
              ) : (
                <>
                  the default (<span className="font-mono">{active.name}</span>); the{" "}
                  <Link href="/admin/party-rule" className="text-indigo-700 underline hover:no-underline">
                    party rule
                  </Link>{" "}
                  may name another.
                </>
              )}
            </p>
            {templates.length === 0 ? (
              <p className="text-slate-600">No template names its own executor: all use the default.</p>
            ) : (
              <div className="-mx-5">
                <Table caption="Templates with their own executor">
                  <thead>
                    <tr>
                      <Th>Template</Th>
                      <Th>Executor</Th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {templates.map((t) => (
                      <tr key={t.id}>
                        <Td>
                          <Link href={`/templates/${t.id}`} className="row-link">
                            {t.name}
                          </Link>
                        </Td>
                        <Td>
                          <ChosenExecutor name={t.executor ?? ""} setups={setups} />
                        </Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </div>
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
