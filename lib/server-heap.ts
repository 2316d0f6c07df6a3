/**
 * Node flags for the production web server. Without a limit, V8 lets the heap grow lazily under
 * load: the server reached 706 MB during `npm run bench`, with ~100 MB of it live. Capping the old
 * space at 384 MB bounds it (380 MB peak in the benchmark), but a cap below 2 GB also makes V8
 * grow the heap by only ~1.4× the live size, so it ran a full mark-compact about once a second
 * (20 in 22 s at 10 clients) and the 95th percentiles rose. Growing by 2.5× inside the same cap
 * brought that to 7 (docs/benchmarks.md). `npm start` and the benchmark both start the server
 * with these.
 */
export const SERVER_NODE_ARGS = ["--max-old-space-size=384", "--heap-growing-percent=150"];
