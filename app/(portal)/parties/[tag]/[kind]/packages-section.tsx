// The production party page's "What production installs" (issue 20 point 2): the quarter's tested
// set and, per group, what is installed and what is held back; admins may let a version through.
import { ApprovePackageForm } from "@/components/parties/approve-package-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { productionPackages } from "@/lib/data/tested-sets";

const release = (r: string) => r || "unknown release";
const servers = (n: number) => `${n} server${n === 1 ? "" : "s"}`;

export async function ProductionPackages({ tag, mayApprove }: { tag: string; mayApprove: boolean }) {
  const plan = await productionPackages(tag);
  return (
    <Card aria-labelledby="installs" className="mt-6">
      <CardHeader
        id="installs"
        title="What production installs"
        description="The versions the quarter's QA party tested, per release; what appeared or changed since is held back. From the servers' last update scans."
      />
      <CardBody>
        {plan.testedSet === null ? (
          <EmptyState title="No tested set yet">
            It is recorded when the QA party completes, from the versions its upgrades ended with (the ssh and ansible executors report them). Without one,
            production upgrades to the newest versions.
          </EmptyState>
        ) : plan.groups.length === 0 ? (
          <p className="text-sm text-slate-600">
            {plan.testedSet.length} tested package{plan.testedSet.length === 1 ? "" : "s"}; no production server has an update pending in its last scan.
          </p>
        ) : (
          <div className="space-y-5">
            {plan.groups.map((g) => (
              <section key={g.group} aria-labelledby={`installs-${g.group}`}>
                <h3 id={`installs-${g.group}`} className="text-sm font-semibold text-slate-900">
                  Group {g.group}
                </h3>
                <ul className="mt-1 divide-y divide-slate-100 text-sm">
                  {g.install.map((i) => (
                    <li key={`i-${i.release}-${i.package}-${i.version}`} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-1.5">
                      <span className="font-mono break-all">
                        {i.package} {i.version}
                      </span>
                      <Badge tone={i.source === "approved" ? "warning" : "success"}>{i.source === "approved" ? "Let through" : "Tested in QA"}</Badge>
                      <span className="text-xs text-slate-600">
                        {release(i.release)} · {servers(i.servers)}
                      </span>
                    </li>
                  ))}
                  {g.heldBack.map((h) => (
                    <li key={`h-${h.release}-${h.package}-${h.candidate}`} className="space-y-1 py-1.5">
                      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                        <span className="font-mono break-all">
                          {h.package} {h.candidate}
                        </span>
                        <Badge tone="danger">Held back</Badge>
                        <span className="text-xs text-slate-600">
                          {h.tested ? `QA tested ${h.tested}, installed instead` : "never tested in QA"} · {release(h.release)} · {servers(h.servers)}
                        </span>
                      </div>
                      {mayApprove ? <ApprovePackageForm tag={tag} release={h.release} pkg={h.package} version={h.candidate} /> : null}
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
