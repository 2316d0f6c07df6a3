// Load on the running server: autocannon for the reads, a loop of its own for the exclude +
// include round trip. Latencies are kept per request, so the percentiles are exact.
import autocannon from "autocannon";

export type LoadResult = { p50Ms: number; p95Ms: number; p99Ms: number; rps: number; requests: number; errors: number };

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(latencies: number[], seconds: number, errors: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    rps: round(latencies.length / seconds),
    requests: latencies.length,
    errors,
  };
}

/** GETs `url` from `connections` clients for `seconds`; any answer but 200 counts as an error. */
export async function loadGet(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, headers, connections, duration: seconds, pipelining: 1 }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status !== 200) errors++;
      latencies.push(ms);
    });
  });
  errors += result.errors + result.timeouts;
  return summarise(latencies, (performance.now() - started) / 1000, errors);
}

/** `connections` clients each run `step()` back to back for `seconds`; one step's time is one latency. */
export async function loadSteps(step: (client: number) => Promise<boolean>, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, client) => {
      while (performance.now() < until) {
        const t = performance.now();
        const ok = await step(client).catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  return summarise(latencies, (performance.now() - started) / 1000, errors);
}
