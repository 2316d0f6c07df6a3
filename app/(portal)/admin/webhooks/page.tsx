import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WebhookForm } from "@/components/admin/webhook-form";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RevokeButton } from "@/components/ui/revoke-button";
import { Table, Td, Th } from "@/components/ui/table";
import { deleteWebhookAction, pauseWebhookAction, resendDeliveryAction, resumeWebhookAction } from "@/lib/actions/webhooks";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listRecentDeliveries, listWebhooks } from "@/lib/data/webhooks";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Webhooks" };

const KIND_LABELS = { standard: "Standard", slack: "Slack", teams: "Teams" } as const;
const STATE_TONES: Record<string, Tone> = { DELIVERED: "success", FAILED: "danger", PENDING: "warning", SENDING: "info" };

export default async function WebhooksPage() {
  const user = await requireUser();
  if (!can(user, { action: "webhook:manage" })) notFound();
  const [webhooks, deliveries] = await Promise.all([listWebhooks(), listRecentDeliveries(50)]);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="What happens in PatchParty (parties scheduled, moved, started; changes submitted and decided; upgrades; failures; exclusions ending) is posted to these endpoints: signed JSON (Standard Webhooks), Slack or Microsoft Teams. A delivery that fails is tried again after 1, 5, 30, 120 and 360 minutes; an endpoint that keeps failing is paused and the admin who registered it is told."
      />
      <div className="grid grid-cols-1 gap-6">
        <Card aria-labelledby="new-webhook-heading">
          <CardHeader id="new-webhook-heading" title="New webhook" />
          <CardBody>
            <WebhookForm />
          </CardBody>
        </Card>
        {webhooks.length === 0 ? (
          <EmptyState title="No webhooks yet">Register one above: a chat channel, or your own automation.</EmptyState>
        ) : (
          <Card>
            <Table caption="Webhook endpoints">
              <thead>
                <tr>
                  <Th>URL</Th>
                  <Th>Kind</Th>
                  <Th>Events</Th>
                  <Th>State</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="webhooks">
                {webhooks.map((w) => (
                  <tr key={w.id}>
                    <Td className="max-w-xs break-all font-mono text-xs text-slate-900">
                      {w.url}
                      {w.description ? <span className="block font-sans text-slate-500">{w.description}</span> : null}
                    </Td>
                    <Td>{KIND_LABELS[w.kind]}</Td>
                    <Td className="max-w-xs text-xs">{w.events.includes("*") ? "all" : w.events.join(", ")}</Td>
                    <Td className="max-w-xs">
                      {w.paused ? (
                        <>
                          <Badge tone="danger">paused</Badge> <span className="text-xs">{w.paused.reason}</span>
                        </>
                      ) : (
                        <Badge tone="success">active</Badge>
                      )}
                    </Td>
                    <Td>
                      <div className="flex flex-wrap gap-2">
                        <RevokeButton
                          action={w.paused ? resumeWebhookAction : pauseWebhookAction}
                          id={w.id}
                          label={`the webhook ${w.url}`}
                          verb={w.paused ? "Resume" : "Pause"}
                        />
                        <RevokeButton action={deleteWebhookAction} id={w.id} label={`the webhook ${w.url}`} verb="Delete" />
                      </div>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}
        <Card aria-labelledby="deliveries-heading">
          <CardHeader id="deliveries-heading" title="Recent deliveries" />
          {deliveries.length === 0 ? (
            <CardBody>
              <p className="text-sm text-slate-600">Nothing has been sent yet.</p>
            </CardBody>
          ) : (
            <Table caption="Recent deliveries, newest first">
              <thead>
                <tr>
                  <Th>Event</Th>
                  <Th>To</Th>
                  <Th>State</Th>
                  <Th>Tries</Th>
                  <Th>Last answer</Th>
                  <Th>Recorded (UTC)</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="deliveries">
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <Td className="font-mono text-xs">{d.eventType}</Td>
                    <Td className="max-w-[12rem] break-all font-mono text-xs">{d.endpoint.url}</Td>
                    <Td>
                      <Badge tone={STATE_TONES[d.state] ?? "neutral"}>{d.state.toLowerCase()}</Badge>
                      {d.state === "PENDING" && d.attempts > 0 ? (
                        <span className="block text-xs text-slate-500">next try {formatDateTime(d.nextAttemptAt, "UTC")}</span>
                      ) : null}
                    </Td>
                    <Td className="tabular-nums">{d.attempts}</Td>
                    <Td className="max-w-xs break-words text-xs">
                      {d.lastStatus !== null ? <span className="font-mono font-medium">{d.lastStatus}</span> : d.attempts > 0 ? "no answer" : "—"}
                      {d.lastAnswer ? <span className="block text-slate-600">{d.lastAnswer}</span> : null}
                    </Td>
                    <Td className="tabular-nums">{formatDateTime(d.createdAt, "UTC")}</Td>
                    <Td>
                      {d.state === "SENDING" ? null : (
                        <RevokeButton action={resendDeliveryAction} id={`${d.endpoint.id}:${d.id}`} label={`the ${d.eventType} delivery`} verb="Resend" />
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
