import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { firstIssue } from "@/lib/validation/common";
import { ChangeEditSchema, NotificationQuerySchema } from "@/lib/validation/changes";
import { PartiesQuerySchema } from "@/lib/validation/parties";
import { PartyRuleSchema } from "@/lib/validation/party-rule";
import { ExcludeSchema, GroupSchema, ResourceListQuerySchema } from "@/lib/validation/resources";
import { SlotRolloutSchema } from "@/lib/validation/templates";

describe("GET /api/v1/parties query", () => {
  it("takes two days, both included", () => {
    const parsed = PartiesQuerySchema.parse({ from: "2026-01-01", to: "2026-01-01" });
    expect(parsed.from.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(parsed.end.toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });

  it.each([
    [{ from: "2026-13-01", to: "2026-12-31" }, "from: is not a real calendar date"],
    [{ from: "2026-02-30", to: "2026-12-31" }, "from: is not a real calendar date"],
    [{ from: "2026-01-01" }, "to: must be a date (YYYY-MM-DD)"],
    [{ from: "yesterday", to: "2026-12-31" }, "from: must be a date (YYYY-MM-DD)"],
    [{ from: "2026-05-01", to: "2026-04-30" }, "to: must be on or after from"],
    [{ from: "2000-01-01", to: "2026-01-01" }, "to: must be at most 3700 days after from"],
    [{ from: ["2026-01-01", "2026-02-01"], to: "2026-12-31" }, "from: must be a date (YYYY-MM-DD)"],
  ])("refuses %j with a message naming the parameter", (query, message) => {
    const parsed = PartiesQuerySchema.safeParse(query);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(firstIssue(parsed.error)).toBe(message);
  });

  it("never throws, whatever it is given (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))), (query) => {
        const parsed = PartiesQuerySchema.safeParse(query);
        if (!parsed.success) expect(firstIssue(parsed.error)).toMatch(/\S/);
      }),
    );
  });
});

describe("environment", () => {
  it("has defaults that start the portal on the embedded database", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.PATCHPARTY_SEED).toBe("auto");
  });

  it("names the bad variable", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(EnvError);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow("DATABASE_URL: must be a postgres:// or postgresql:// connection URL");
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT: /);
    expect(() => parseEnv({ NEXTAUTH_SECRET: "short" })).toThrow("NEXTAUTH_SECRET: must be at least 32 characters");
  });

  it("takes the owner's DATABASE_MIGRATION_URL only beside DATABASE_URL", () => {
    const owner = "postgresql://owner:o@db:5432/patchparty";
    expect(() => parseEnv({ DATABASE_MIGRATION_URL: owner })).toThrow("DATABASE_MIGRATION_URL: is used only beside DATABASE_URL");
    expect(() => parseEnv({ DATABASE_URL: "postgresql://app:a@db:5432/patchparty", DATABASE_MIGRATION_URL: "mysql://x" })).toThrow(
      "DATABASE_MIGRATION_URL: must be a postgres:// or postgresql:// connection URL",
    );
    expect(parseEnv({ DATABASE_URL: "postgresql://app:a@db:5432/patchparty", DATABASE_MIGRATION_URL: owner }).DATABASE_MIGRATION_URL).toBe(owner);
  });

  it("wants all three OIDC variables or none", () => {
    expect(() => parseEnv({ OIDC_ISSUER: "https://sso.example.com" })).toThrow(/OIDC_CLIENT_ID: is required when SSO is configured/);
    const env = parseEnv({ OIDC_ISSUER: "https://sso.example.com", OIDC_CLIENT_ID: "portal", OIDC_CLIENT_SECRET: "s3cret" });
    expect(env.OIDC_NAME).toBe("SSO");
  });
});

describe("numbers at the boundary", () => {
  // z.coerce.number() ran Number() on anything: JSON null, [] and "" became 0, true became 1, so
  // `{"canaryPercent": null}` saved "no canary" for every party slot (the fuzz test did exactly that).
  const cases: [string, (v: unknown) => boolean][] = [
    ["canaryPercent", (v) => SlotRolloutSchema.safeParse({ canaryPercent: v }).success],
    ["concurrency", (v) => SlotRolloutSchema.safeParse({ concurrency: v }).success],
    ["patch group", (v) => GroupSchema.safeParse(v).success],
    ["revision", (v) => ChangeEditSchema.safeParse({ revision: v }).success],
    ["productionMinGapDays", (v) => PartyRuleSchema.shape.productionMinGapDays.safeParse(v).success],
    ["qaMonthOfQuarter", (v) => PartyRuleSchema.shape.qaMonthOfQuarter.safeParse(v).success],
    ["limit", (v) => ResourceListQuerySchema.shape.limit.safeParse(v).success],
  ];
  it.each(cases)("%s is refused as null, true, false, [], [1], {} or blank text", (_name, accepts) => {
    for (const v of [null, true, false, [], [1], {}, "", "  ", "one", Number.NaN, Number.POSITIVE_INFINITY])
      expect(accepts(v), JSON.stringify(v) ?? String(v)).toBe(false);
  });
  it.each(cases)("%s is taken as a number or as the digits a form sends", (_name, accepts) => {
    for (const v of [1, "1", " 1 "]) expect(accepts(v), JSON.stringify(v)).toBe(true);
  });
});

describe("enums and dates at the boundary (issue 18)", () => {
  it("takes a notice state in lower case, as the API's other enums are, and still in upper case", () => {
    expect(NotificationQuerySchema.parse({ state: "sent" }).state).toBe("SENT");
    expect(NotificationQuerySchema.parse({ state: "SENT" }).state).toBe("SENT");
    expect(NotificationQuerySchema.parse({ state: "failed" }).state).toBe("FAILED");
    expect(firstIssue(NotificationQuerySchema.safeParse({ state: "lost" }).error!)).toBe("state: must be one of pending, sending, sent, failed");
  });

  it("says a day that does not exist is not a real date, wherever a date is read", () => {
    expect(firstIssue(ExcludeSchema.safeParse({ reason: "abc", until: "2027-02-30" }).error!)).toBe("until: is not a real calendar date");
    expect(firstIssue(PartiesQuerySchema.safeParse({ from: "2027-02-30", to: "2027-03-01" }).error!)).toBe("from: is not a real calendar date");
    expect(firstIssue(ExcludeSchema.safeParse({ reason: "abc", until: "tomorrow" }).error!)).toBe("until: The expiry must be a date (YYYY-MM-DD).");
    expect(ExcludeSchema.parse({ reason: "abc", until: "2028-02-29" }).until?.toISOString()).toBe("2028-02-29T23:59:59.999Z");
  });
});
