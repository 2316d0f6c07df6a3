import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ResetSecondFactorButton, RoleForm, SignOutEverywhereButton, UnlockButton } from "@/components/admin/user-actions";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { Button } from "@/components/ui/button";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/data/user-admin";
import { formatDateTime } from "@/lib/format";
import { withQuery } from "@/lib/url";
import { UserListQuerySchema } from "@/lib/validation/users";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "People" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!can(user, { action: "user:manage" })) notFound();
  const parsed = UserListQuerySchema.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : {};
  const [result, zone] = await Promise.all([listUsers(user, query, new Date()), viewerTimeZone()]);
  if (!result.ok) notFound();
  const { users, next } = result.value;
  return (
    <>
      <PageHeader
        title="People"
        description="Roles, sign-in lockouts, two-factor sign-in and sessions. A new role, “Sign out everywhere” and turning off their two-factor sign-in end every session of that person at once. Add people with npm run user:add on the server."
      />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-2" role="search">
        <Field label="Find a person" name="q" type="search" defaultValue={query.q ?? ""} placeholder="e-mail or name" className="w-full max-w-xs" />
        <Button type="submit" variant="secondary">
          Find
        </Button>
      </form>
      {users.length === 0 ? (
        <EmptyState title="Nobody found">{query.q ? "No one's e-mail or name holds that." : "No people yet."}</EmptyState>
      ) : (
        <Card>
          <Table caption="People">
            <thead>
              <tr>
                <Th>Person</Th>
                <Th>Teams</Th>
                <Th>Role</Th>
                <Th>Sign-in</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((u) => (
                <tr key={u.id}>
                  <Td>
                    <div className="font-medium text-slate-900">{u.name}</div>
                    <div className="text-xs text-slate-500">{u.email}</div>
                  </Td>
                  <Td className="text-xs">{u.teams.length ? u.teams.join(", ") : "—"}</Td>
                  <Td>
                    <RoleForm id={u.id} email={u.email} role={u.role} />
                  </Td>
                  <Td>
                    {u.lockedUntil ? (
                      <Badge tone="danger">locked until {formatDateTime(u.lockedUntil, zone)}</Badge>
                    ) : u.hasPassword ? (
                      <Badge tone="success">password</Badge>
                    ) : (
                      <Badge tone="info">single sign-on</Badge>
                    )}
                    {u.twoFactor ? (
                      <span className="ml-1">
                        <Badge tone="success">two-factor</Badge>
                      </span>
                    ) : null}
                  </Td>
                  <Td className="text-right">
                    <div className="flex flex-wrap justify-end gap-2">
                      {u.lockedUntil ? <UnlockButton id={u.id} email={u.email} /> : null}
                      {u.twoFactor && u.id !== user.id ? <ResetSecondFactorButton id={u.id} email={u.email} /> : null}
                      <SignOutEverywhereButton id={u.id} email={u.email} />
                    </div>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <Pager
        firstHref={query.after ? withQuery("/admin/users", { q: query.q }) : null}
        nextHref={next ? withQuery("/admin/users", { q: query.q, after: next }) : null}
      />
    </>
  );
}
