// CSV downloads: a generator's chunks streamed as they are read, a batch of rows at a time, so an
// export of the whole fleet or audit log is never held in memory whole.
import "server-only";

/** `chunks` (CSV text) as an attachment named `<name>-<UTC day>.csv`. */
export function csvResponse(chunks: AsyncGenerator<string>, name: string, now = new Date()): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="patchparty-${name}-${now.toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
