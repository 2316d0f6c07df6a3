import type { ReactNode } from "react";
import type { ResourceRecord } from "@/lib/data/resource-detail";
import { SSH_PORT_DEFAULT } from "@/lib/validation/limits";
import { Badge } from "../ui/badge";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ConnectionEditor } from "./connection-form";

type Props = {
  resource: Pick<ResourceRecord, "name" | "revision" | "address" | "sshPort" | "sshUser">;
  /** Whether the viewer may change the resource (owners their team's, admins all). */
  mayChange: boolean;
  /** PATCHPARTY_SSH_USER: the user when the resource names none. */
  defaultUser: string;
};

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-3">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="col-span-2 min-w-0 text-sm text-slate-700">{children}</dd>
    </div>
  );
}

const Default = ({ children }: { children: ReactNode }) => <span className="text-slate-500">{children}</span>;

/** How the ssh and ansible executors reach the resource, with a form for those who may change it. */
export function ConnectionCard({ resource, mayChange, defaultUser }: Props) {
  const { address, sshPort, sshUser } = resource;
  return (
    <Card aria-labelledby="connection" data-testid="connection">
      <CardHeader
        id="connection"
        title="Connection"
        description="Where the ssh and ansible executors reach it."
        action={address ? null : <Badge tone="warning">Not set</Badge>}
      />
      <CardBody className="py-1">
        <dl className="divide-y divide-slate-100">
          <Row label="Address">
            {address ? (
              <span data-testid="connection-address" className="break-all font-mono text-xs text-slate-900">
                {address}
              </span>
            ) : (
              <span data-testid="connection-address" className="text-amber-900">
                Not set: the ssh and ansible executors cannot reach it.
              </span>
            )}
          </Row>
          <Row label="Port">
            <span data-testid="connection-port" className="tabular-nums">
              {sshPort ?? (
                <>
                  {SSH_PORT_DEFAULT} <Default>(default)</Default>
                </>
              )}
            </span>
          </Row>
          <Row label="User">
            <span data-testid="connection-user" className="break-all">
              {sshUser ?? (
                <>
                  {defaultUser} <Default>(the installation&apos;s default)</Default>
                </>
              )}
            </span>
          </Row>
        </dl>
      </CardBody>
      {mayChange ? (
        <div className="border-t border-slate-100 px-5 py-3">
          <ConnectionEditor name={resource.name} revision={resource.revision} address={address} sshPort={sshPort} sshUser={sshUser} defaultUser={defaultUser} />
        </div>
      ) : null}
    </Card>
  );
}
