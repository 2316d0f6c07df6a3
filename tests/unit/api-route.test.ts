import { describe, expect, it, vi } from "vitest";
import { apiRoute, isDatabaseUnavailable } from "@/lib/api/respond";

describe("apiRoute", () => {
  it("answers 503 with Retry-After while the database is unreachable, whatever layer wrapped the cause", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    for (const error of [
      refused,
      Object.assign(new Error("DatabaseNotReachable"), { name: "DriverAdapterError" }),
      new Error("driver failed", { cause: refused }),
      Object.assign(new Error("x"), { code: "57P01" }),
      new Error("Connection terminated unexpectedly"),
    ]) {
      expect(isDatabaseUnavailable(error)).toBe(true);
      const response = await apiRoute(async () => Promise.reject(error))();
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.json()).toEqual({ error: "The database is unavailable right now; nothing was changed. Try again in a few seconds." });
    }
  });

  it("answers any other error with a 500 that names nothing of the cause, and logs it on the server", async () => {
    const log = vi.spyOn(console, "error").mockImplementationOnce(() => {});
    const response = await apiRoute(() => {
      throw new Error("secret detail: password=hunter2");
    })();
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("hunter2");
    expect(log).toHaveBeenCalledOnce();
    log.mockClear(); // expected here: the setup fails a test on any other console.error
    expect(isDatabaseUnavailable(new Error("Unique constraint failed"))).toBe(false);
  });

  it("passes answers through, a short JSON one marked so that Next does not gzip it", async () => {
    const response = await apiRoute(async (n: number) => Response.json({ n }, { status: 201, headers: { ETag: '"3"' } }))(7);
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-transform");
    expect(response.headers.get("etag")).toBe('"3"');
    expect(await response.json()).toEqual({ n: 7 });
    const long = await apiRoute(async () => Response.json({ text: "x".repeat(2_000) }))();
    expect(long.headers.get("cache-control")).toBeNull();
    expect((await long.json()).text).toHaveLength(2_000);
    const feed = await apiRoute(
      async () => new Response("BEGIN:VCALENDAR", { headers: { "Content-Type": "text/calendar", "Cache-Control": "private, max-age=300" } }),
    )();
    expect(feed.headers.get("cache-control")).toBe("private, max-age=300");
    expect(await feed.text()).toBe("BEGIN:VCALENDAR");
  });
});

describe("apiRoute and text PostgreSQL cannot store", () => {
  it("answers 400 to a NUL character that reached the database", async () => {
    const error = new Error("driver failed", { cause: Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" }) });
    const response = await apiRoute(async () => Promise.reject(error))();
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "A value holds a character that cannot be stored (NUL). Nothing was changed." });
  });
});
