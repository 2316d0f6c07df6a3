// The pieces of what a run recorded for one member, as the lists and the execution's page show them.
import Link from "next/link";
import type { PackageChange } from "@/lib/domain";
import { Badge } from "../ui/badge";

/** "openssl 3.0.11 → 3.0.13"; the first `limit`, and how many more. */
export function PackageChanges({ packages, limit }: { packages: PackageChange[]; limit?: number }) {
  if (packages.length === 0) return <p className="text-slate-500">No package changed</p>;
  const shown = limit === undefined ? packages : packages.slice(0, limit);
  return (
    <ul className="space-y-0.5" aria-label="Packages changed">
      {shown.map((p, i) => (
        <li key={`${p.name}-${i}`} className="font-mono text-xs text-slate-800">
          <span className="font-medium">{p.name}</span> <span className="text-slate-600">{p.from ?? "(new)"}</span> <span aria-hidden="true">→</span>
          <span className="sr-only">to</span> <span className="text-slate-900">{p.to ?? "(removed)"}</span>
        </li>
      ))}
      {shown.length < packages.length ? <li className="text-xs text-slate-500">and {(packages.length - shown.length).toLocaleString("en")} more</li> : null}
    </ul>
  );
}

export function RebootFact({ required, rebooted }: { required: boolean | null; rebooted: boolean | null }) {
  if (rebooted) return <Badge tone="info">rebooted</Badge>;
  if (required) return <Badge tone="warning">reboot required</Badge>;
  if (required === false) return <span className="text-slate-600">no reboot needed</span>;
  return <span className="text-slate-500">not reported</span>;
}

export function HealthFact({ healthCheck }: { healthCheck: string | null }) {
  if (healthCheck === "passed") return <Badge tone="success">health check passed</Badge>;
  if (healthCheck === "failed") return <Badge tone="danger">health check failed</Badge>;
  return <span className="text-slate-500">none ran</span>;
}

const kb = (chars: number) => `${Math.max(1, Math.round(chars / 1024)).toLocaleString("en")} kB`;

/**
 * The output, folded: the whole of it (the last 64 kB the executor sent), or on a list its tail
 * with a link to the rest.
 */
export function OutputDetails({ output, length, fullHref, open = false }: { output: string | null; length: number; fullHref?: string; open?: boolean }) {
  if (!output) return <span className="text-xs text-slate-500">No output</span>;
  const cut = length > output.length;
  return (
    <details className="group" open={open}>
      <summary className="cursor-pointer text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
        {cut ? `Output (the last ${kb(output.length)} of ${kb(length)})` : `Output (${kb(length)})`}
      </summary>
      <pre className="mt-2 max-h-96 max-w-full overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
        {output}
      </pre>
      {cut && fullHref ? (
        <Link href={fullHref} className="mt-1 inline-block text-xs text-indigo-700 hover:underline">
          All of it on the execution&apos;s page
        </Link>
      ) : null}
    </details>
  );
}
