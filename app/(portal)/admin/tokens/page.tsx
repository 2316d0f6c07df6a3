import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CreateTokenForm } from "@/components/admin/create-token-form";
import { RevokeTokenButton } from "@/components/admin/revoke-token-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listApiTokens } from "@/lib/data/api-tokens";
import { oneLine, TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX } from "@/lib/domain";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const user = await requireUser();
  if (!can(user, { action: "token:manage" })) notFound();
  const tokens = await listApiTokens();
  const now = new Date();
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            Tokens let scripts call <code className="font-mono">/api/v1</code> as a user, with that user&apos;s permissions: send{" "}
            <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A read token may only send GET; a write token may do what its user may.
            Every token expires (after {TOKEN_DAYS_DEFAULT} days unless you choose otherwise, at most {TOKEN_DAYS_MAX}). Only a hash is stored; a token is shown
            once, when it is created. What each route takes and answers:{" "}
            <a href="/api/docs" className="font-medium text-indigo-700 underline hover:text-indigo-900">
              the API reference
            </a>{" "}
            (
            <a href="/api/v1/openapi.json" className="font-medium text-indigo-700 underline hover:text-indigo-900">
              its OpenAPI document
            </a>
            ).
          </>
        }
      />
      <div className="grid gap-6">
        <Card aria-labelledby="new-token-heading">
          <CardHeader id="new-token-heading" title="New token" />
          <CardBody>
            <CreateTokenForm defaultEmail={user.email} />
          </CardBody>
        </Card>
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet">Create one above, or run npm run api-token -- &lt;email&gt; --scope read on the server.</EmptyState>
        ) : (
          <Card>
            <Table caption="API tokens">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Acts as</Th>
                  <Th>Scope</Th>
                  <Th>Starts with</Th>
                  <Th>Created (UTC)</Th>
                  <Th>Expires (UTC)</Th>
                  <Th>Last used (UTC)</Th>
                  <Th>State</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <Td className="font-medium text-slate-900">{oneLine(t.name)}</Td>
                    <Td>{t.user.email}</Td>
                    <Td>{t.scope === "READ" ? "read" : "write"}</Td>
                    <Td className="font-mono text-xs">{t.prefix}…</Td>
                    <Td className="tabular-nums">{formatDateTime(t.createdAt, "UTC")}</Td>
                    <Td className="tabular-nums">{formatDateTime(t.expiresAt, "UTC")}</Td>
                    <Td className="tabular-nums">{t.lastUsedAt ? formatDateTime(t.lastUsedAt, "UTC") : "never"}</Td>
                    <Td>
                      {t.revokedAt ? (
                        <Badge tone="danger">revoked</Badge>
                      ) : t.expiresAt <= now ? (
                        <Badge tone="warning">expired</Badge>
                      ) : (
                        <Badge tone="success">active</Badge>
                      )}
                    </Td>
                    <Td className="text-right">{t.revokedAt ? null : <RevokeTokenButton id={t.id} name={oneLine(t.name)} />}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}
      </div>
    </>
  );
}
