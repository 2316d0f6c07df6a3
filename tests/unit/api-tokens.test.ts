import { describe, expect, it } from "vitest";
import { apiRoute } from "@/lib/api/respond";
import { TokenRefused } from "@/lib/auth/api-tokens";
import { tokenExpiry, tokenRefusal } from "@/lib/domain";
import { firstIssue } from "@/lib/validation/common";
import { NewApiTokenSchema } from "@/lib/validation/api-tokens";

const NOW = new Date("2026-12-04T12:00:00Z");
const later = new Date("2027-01-01T09:15:00Z");

describe("what a token may do", () => {
  it("a read token sends GET, HEAD and OPTIONS; anything else is 403, read-only", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) expect(tokenRefusal({ scope: "read", expiresAt: later }, method, NOW)).toBeNull();
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "delete"]) {
      expect(tokenRefusal({ scope: "read", expiresAt: later }, method, NOW)).toEqual({
        status: 403,
        message: `This API token is read-only: it may send GET, not ${method.toUpperCase()}. Ask an admin for a write token. Nothing was changed.`,
      });
    }
  });

  it("a write token sends any method (its user's rights are asked by the route)", () => {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) expect(tokenRefusal({ scope: "write", expiresAt: later }, method, NOW)).toBeNull();
  });

  it("an expired token is 401 saying when, from the instant it expires, whatever its scope", () => {
    const expired = { status: 401, message: "This API token expired on 2026-12-04 12:00 UTC. Ask an admin for a new one." };
    expect(tokenRefusal({ scope: "write", expiresAt: NOW }, "GET", NOW)).toEqual(expired);
    expect(tokenRefusal({ scope: "read", expiresAt: NOW }, "POST", NOW)).toEqual(expired);
    expect(tokenRefusal({ scope: "read", expiresAt: new Date(NOW.getTime() + 1) }, "GET", NOW)).toBeNull();
  });

  it("expires the days chosen after it was made", () => {
    expect(tokenExpiry(NOW, 90).toISOString()).toBe("2027-03-04T12:00:00.000Z");
  });

  it("apiRoute answers a refused token with its status and message, logging nothing", async () => {
    const response = await apiRoute(async () => Promise.reject(new TokenRefused(403, "read-only")))();
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "read-only" });
    const expired = await apiRoute(async () => Promise.reject(new TokenRefused(401, "expired")))();
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("a new token's schema", () => {
  it("requires a scope and takes 1 to 365 whole days, 90 when absent", () => {
    expect(NewApiTokenSchema.parse({ name: "cmdb", scope: "read" })).toEqual({ name: "cmdb", scope: "read", days: 90 });
    expect(NewApiTokenSchema.parse({ name: "cmdb", scope: "write", days: " 365 " }).days).toBe(365);
    const refused = (input: object) => {
      const parsed = NewApiTokenSchema.safeParse(input);
      return parsed.success ? null : firstIssue(parsed.error);
    };
    expect(refused({ name: "cmdb" })).toBe("scope: Choose the token's scope: read (GET only) or write (every method, with the user's rights).");
    expect(refused({ name: "cmdb", scope: "admin" })).toMatch(/^scope: Choose/);
    for (const days of [0, -1, 1.5, "x", "", null])
      expect(refused({ name: "cmdb", scope: "read", days })).toMatch(/^days: Say in how many days the token expires: a whole number from 1 to 365\.$/);
    expect(refused({ name: "cmdb", scope: "read", days: 366 })).toBe("days: A token lives at most 365 days (a year); make a new one when it expires.");
    expect(refused({ name: "line\nbreak", scope: "read" })).toMatch(/^name: Give the token a name on one line/);
  });
});
