import "server-only";
import { availableParallelism } from "node:os";
import path from "node:path";

/** Preloaded into every web process, before Next: the peer address, and a page's nonce and headers. */
const REQUEST_EDGE = path.resolve("scripts/request-edge.mjs");

/**
 * How `npm start` and the benchmark run the production server: `next start` in one process per
 * core (at most 4; PATCHPARTY_WEB_PROCESSES to choose) behind one port, by scripts/web-cluster.mjs.
 * One Node process renders on one core, and at 10 clients one process was the bottleneck while the
 * second core was half idle (docs/benchmarks.md).
 *
 * The heap flags: without a limit V8 lets the heap grow lazily under load (706 MB resident for
 * ~100 MB live in `npm run bench`). A cap bounds it, but a cap below 2 GB also makes V8 grow the
 * heap by only ~1.4× the live size, so it collected about once a second at 10 clients; growing by
 * 2.5× inside the cap brought that down (20 → 7 full collections in 22 s). With several processes
 * each gets a smaller cap, so that together they stay under the memory target.
 */
export function webServerCommand(nextArgs: string[], options: { processes?: number; nodeArgs?: string[] } = {}) {
  const processes = options.processes ?? Math.min(availableParallelism(), 4);
  const heapMb = processes > 1 ? 200 : 384;
  return {
    args: [
      `--max-old-space-size=${heapMb}`,
      "--heap-growing-percent=150",
      "--import",
      REQUEST_EDGE,
      ...(options.nodeArgs ?? []),
      path.resolve("scripts/web-cluster.mjs"),
      path.resolve("node_modules/next/dist/bin/next"),
      ...nextArgs,
    ],
    env: { PATCHPARTY_WEB_PROCESSES: String(processes) },
  };
}

/** `npm run dev`: Next's dev server (one process, its own child) with the same request edge. */
export function devServerCommand(nextArgs: string[]) {
  return {
    args: [path.resolve("node_modules/next/dist/bin/next"), "dev", ...nextArgs],
    env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${JSON.stringify(REQUEST_EDGE)}`].filter(Boolean).join(" ") },
  };
}
