// The production web server on every core: `node scripts/web-cluster.mjs <next bin> start -p <port>`
// forks PATCHPARTY_WEB_PROCESSES `next start`s (lib/web-server.ts chooses how many and sets it). Node's cluster module lets them share one listening port and hands each new connection
// to the next process in turn. One Node process renders on one core: with a single process the
// server was the bottleneck at 10 clients while the second core sat mostly idle
// (docs/benchmarks.md).
// A worker that dies is started again; SIGINT/SIGTERM stop them all.
import cluster from "node:cluster";

const [exec, ...args] = process.argv.slice(2);
const wanted = Number(process.env.PATCHPARTY_WEB_PROCESSES);
if (!exec || !(wanted >= 1)) throw new Error("usage: PATCHPARTY_WEB_PROCESSES=<n> node scripts/web-cluster.mjs <next bin> start [options]");
let stopping = false;

// Workers get this process's Node flags: the heap limits and the request edge (lib/web-server.ts).
cluster.setupPrimary({ exec, args, execArgv: process.execArgv });
for (let i = 0; i < wanted; i++) cluster.fork();

const listened = new Set();
cluster.on("listening", (worker) => listened.add(worker.id));
cluster.on("exit", (worker, code, signal) => {
  if (!stopping && !listened.has(worker.id)) {
    // It never served (a bad port, a missing build): starting it again would fail the same way.
    stop("SIGTERM");
    process.exitCode = code || 1;
  }
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
    return;
  }
  console.error(`web process ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another`);
  setTimeout(() => cluster.fork(), 1_000);
});

function stop(signal) {
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(signal));
