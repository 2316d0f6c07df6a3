/**
 * Node flags for the production web server. Without a limit, V8 lets the heap grow lazily under
 * load: the server reached 706 MB during `npm run bench`. With its old space capped at 384 MB it
 * stayed near 340 MB at the same throughput (docs/benchmarks.md). `npm start` and the benchmark
 * both start the server with these.
 */
export const SERVER_NODE_ARGS = ["--max-old-space-size=384"];
