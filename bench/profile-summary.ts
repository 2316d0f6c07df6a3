// Summarises a V8 .cpuprofile: self time by package (or file of the app) and the top functions.
// Usage: tsx bench/profile-summary.ts bench/out/<file>.cpuprofile
import { readFileSync } from "node:fs";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
const profile = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url: string) => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes(".next/server/chunks")) return `app chunk ${url.split("/").pop()}`;
  return url
    ? url
        .replace(/^file:\/\//, "")
        .split("/")
        .slice(-2)
        .join("/")
    : "(native/gc)";
};
const byPlace = new Map<string, number>();
const byFn = new Map<string, number>();
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0;
  if (!t) continue;
  byPlace.set(where(node.callFrame.url), (byPlace.get(where(node.callFrame.url)) ?? 0) + t);
  const fn = `${node.callFrame.functionName || "(anonymous)"} ${where(node.callFrame.url)}:${node.callFrame.lineNumber}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + t);
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
    .join("\n");
console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n\nby place:\n${top(byPlace, 25)}\n\nby function:\n${top(byFn, 30)}`);
