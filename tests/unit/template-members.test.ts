// The pure parts of fleets by query (decision 022): the member query, the list's tag filter and
// the named member changes as their schemas read them.
import { describe, expect, it } from "vitest";
import { ResourceFiltersSchema, filtersFromSearchParams } from "@/lib/validation/resources";
import {
  MemberChangeSchema,
  MemberQueryFormSchema,
  TemplateCreateFormSchema,
  TemplateCreateSchema,
  TemplateMemberQuerySchema,
} from "@/lib/validation/templates";
import { resourceQueryString } from "@/lib/resource-query";

describe("the list's tag filter", () => {
  it("reads one or more tags, comma-separated or repeated, without blanks or repeats", () => {
    expect(ResourceFiltersSchema.parse({ tag: "pci, linux,,pci" }).tag).toEqual(["pci", "linux"]);
    expect(ResourceFiltersSchema.parse({ tag: ["pci", "gdpr,linux"] }).tag).toEqual(["pci", "gdpr", "linux"]);
    expect(ResourceFiltersSchema.parse({ tag: " , " }).tag).toBeUndefined();
    expect(ResourceFiltersSchema.safeParse({ tag: Array.from({ length: 11 }, (_, i) => `t${i}`) }).success).toBe(false);
    expect(ResourceFiltersSchema.safeParse({ tag: "a\u0000b" }).success).toBe(false);
  });

  it("goes round a page URL: tags and service as the filter form writes them", () => {
    const query = filtersFromSearchParams({ tag: "pci,linux", service: "payments-api" });
    expect(query).toMatchObject({ tag: ["pci", "linux"], service: "payments-api" });
    expect(filtersFromSearchParams(Object.fromEntries(new URLSearchParams(resourceQueryString(query))))).toEqual(query);
  });
});

describe("a member query", () => {
  it("takes the list's filters, at least one, and nothing else", () => {
    expect(TemplateMemberQuerySchema.parse({ tag: "cleanroom", kind: "broker-node", environment: "production" })).toEqual({
      tag: ["cleanroom"],
      kind: "broker-node",
      environment: "production",
    });
    expect(TemplateMemberQuerySchema.safeParse({}).error?.issues[0]?.message).toMatch(/Give at least one filter/);
    expect(TemplateMemberQuerySchema.safeParse({ tag: "" }).success).toBe(false);
    expect(TemplateMemberQuerySchema.safeParse({ group: "1" }).success).toBe(false);
    expect(TemplateMemberQuerySchema.safeParse({ kind: "toaster" }).success).toBe(false);
    expect(TemplateMemberQuerySchema.safeParse("tag=x").success).toBe(false);
  });

  it("from a form: empty fields are no filter, all empty is no query", () => {
    expect(MemberQueryFormSchema.parse({ tag: "", kind: "", team: "payments" })).toEqual({ team: "payments" });
    expect(MemberQueryFormSchema.parse({ tag: "", kind: undefined })).toBeNull();
  });
});

describe("a template's members", () => {
  const base = { name: "Fleet", policyId: "p1", targetVersion: "1.0.0" };
  it("are named, or a query, or both; never neither", () => {
    expect(TemplateCreateSchema.safeParse({ ...base, members: ["a"] }).success).toBe(true);
    expect(TemplateCreateSchema.safeParse({ ...base, memberQuery: { tag: ["x"] } }).success).toBe(true);
    expect(TemplateCreateSchema.safeParse({ ...base, members: [] }).error?.issues[0]?.message).toBe(
      "Add at least one member. A member query can take their place.",
    );
    expect(TemplateCreateFormSchema.safeParse({ ...base, members: "", memberQuery: { tag: "" } }).success).toBe(false);
    expect(TemplateCreateFormSchema.parse({ ...base, members: "", memberQuery: { kind: "vm" } })).toMatchObject({ members: [], memberQuery: { kind: "vm" } });
  });

  it("change by name: something to do, never the same name both ways", () => {
    expect(MemberChangeSchema.parse({ add: ["a", " a ", "b"] })).toEqual({ add: ["a", "b"] });
    expect(MemberChangeSchema.safeParse({}).error?.issues[0]?.message).toMatch(/at least one member/);
    expect(MemberChangeSchema.safeParse({ add: ["a"], remove: ["a"] }).error?.issues[0]?.message).toMatch(/both added and removed/);
    expect(MemberChangeSchema.safeParse({ add: "a" }).success).toBe(false);
    expect(MemberChangeSchema.safeParse({ move: ["a"] }).success).toBe(false);
  });
});
