import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isExcludedAt } from "@/lib/domain";
import { firstIssue } from "@/lib/validation/common";
import { CsvRowSchema } from "@/lib/validation/resource-csv";
import { ExcludeSchema, filtersFromSearchParams, GroupChangeSchema, ResourceListQuerySchema } from "@/lib/validation/resources";

describe("excluding", () => {
  it("trims the reason and wants 3 to 500 characters", () => {
    expect(ExcludeSchema.parse({ reason: "  Vendor case  " }).reason).toBe("Vendor case");
    expect(firstIssue(ExcludeSchema.safeParse({ reason: "   ab  " }).error!)).toBe("reason: The reason must be at least 3 characters.");
    expect(firstIssue(ExcludeSchema.safeParse({ reason: "x".repeat(501) }).error!)).toBe("reason: The reason must be at most 500 characters.");
    expect(firstIssue(ExcludeSchema.safeParse({}).error!)).toBe("reason: Give a reason.");
  });

  it("reads the expiry as the end of that UTC day, or an instant; empty means none", () => {
    expect(ExcludeSchema.parse({ reason: "abc", until: "2027-01-31" }).until?.toISOString()).toBe("2027-01-31T23:59:59.999Z");
    expect(ExcludeSchema.parse({ reason: "abc", until: "2027-01-31T10:00:00+01:00" }).until?.toISOString()).toBe("2027-01-31T09:00:00.000Z");
    expect(ExcludeSchema.parse({ reason: "abc", until: "" }).until).toBeUndefined();
    expect(ExcludeSchema.parse({ reason: "abc", until: null }).until).toBeUndefined();
    expect(ExcludeSchema.safeParse({ reason: "abc", until: "2027-02-30" }).success).toBe(false);
    expect(ExcludeSchema.safeParse({ reason: "abc", until: "tomorrow" }).success).toBe(false);
  });

  it("ends an exclusion at its expiry", () => {
    const until = new Date("2027-01-01T00:00:00Z");
    expect(isExcludedAt({ excluded: true, exclusionUntil: until }, new Date("2026-12-31T23:59:59Z"))).toBe(true);
    expect(isExcludedAt({ excluded: true, exclusionUntil: until }, until)).toBe(false);
    expect(isExcludedAt({ excluded: true, exclusionUntil: null }, until)).toBe(true);
    expect(isExcludedAt({ excluded: false, exclusionUntil: null }, until)).toBe(false);
  });
});

describe("groups", () => {
  it("takes 1, 2 or 3 only", () => {
    expect(GroupChangeSchema.parse({ group: "2" }).group).toBe(2);
    for (const bad of [0, 4, 1.5, "two", null]) expect(GroupChangeSchema.safeParse({ group: bad }).success).toBe(false);
  });
});

describe("list filters", () => {
  it("refuses unknown or malformed parameters in the API, naming them", () => {
    expect(firstIssue(ResourceListQuerySchema.safeParse({ environment: "prod" }).error!)).toBe("environment: must be production or non-production");
    expect(firstIssue(ResourceListQuerySchema.safeParse({ limit: "500" }).error!)).toBe("limit: must be at most 200");
    expect(ResourceListQuerySchema.safeParse({ colour: "red" }).success).toBe(false);
  });

  it("drops bad values from a page URL instead of failing the page (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("q", "environment", "kind", "group", "state", "sort", "never", "lastTag", "zzz"), fc.string()), (params) => {
        const query = filtersFromSearchParams(params);
        expect(ResourceListQuerySchema.safeParse(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v === true ? "1" : String(v)]))).success).toBe(true);
      }),
    );
  });
});

describe("a CSV row", () => {
  it("splits tags on ;, and names the column of each problem", () => {
    const row = CsvRowSchema.parse({ name: "web-01", kind: "vm", environment: "production", team: "payments", group: "2", tags: "pci; linux;pci", cluster: "", service: "" });
    expect(row).toMatchObject({ tags: ["pci", "linux"], cluster: null, service: null, group: 2 });
    const bad = CsvRowSchema.safeParse({ name: "web 01", kind: "vm", environment: "prod", team: "", group: "x" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0])).toEqual(["name", "environment", "team", "group"]);
  });
});
