// The pure half of inventory sync (lib/domain/inventory.ts): the mapping's expressions and the plan.
import { describe, expect, it } from "vitest";
import {
  evaluate,
  expressionRefusal,
  mapHost,
  planSync,
  spreadGroup,
  type DesiredServer,
  type ExistingServer,
  type Mapping,
  type SourceHost,
} from "@/lib/domain/inventory";
import { MappingSchema } from "@/lib/validation/inventory";

const host = (name: string, vars: Record<string, unknown> = {}, groups: string[] = []): SourceHost => ({ externalId: name, name, groups, vars });

const MAPPING: Mapping = {
  fields: {
    team: ["var:patch_team", "group:team_"],
    environment: "var:env",
    kind: ["var:kind", "const:vm"],
    service: "field:role.slug",
    address: ["field:primary_ip4.address", "var:ansible_host"],
    tags: ["group:tag_", "field:tags", "var:labels"],
    cluster: "cf:cluster",
  },
  values: { environment: { prod: "production" } },
};

describe("expressions", () => {
  it("read variables, NetBox fields and custom fields, group prefixes and constants", () => {
    const h = host("a", { role: { slug: "web" }, custom_fields: { cluster: "c1" }, tags: [{ name: "PCI", slug: "pci" }] }, ["team_pay", "tag_linux", "tag_eu"]);
    expect(evaluate("field:role.slug", h)).toEqual(["web"]);
    expect(evaluate("cf:cluster", h)).toEqual(["c1"]);
    expect(evaluate("field:tags", h)).toEqual(["pci"]);
    expect(evaluate("group:tag_", h)).toEqual(["eu", "linux"]);
    expect(evaluate("const:x", h)).toEqual(["x"]);
    expect(evaluate("var:missing", h)).toEqual([]);
    expect(expressionRefusal("nonsense")).toMatch(/no expression/);
    expect(expressionRefusal("var:a b")).toMatch(/give a name/);
    expect(expressionRefusal("host:name")).toBeNull();
  });
});

describe("mapHost", () => {
  it("maps the first expression that gives a value, through the value maps; an address loses its prefix length", () => {
    const r = mapHost(
      MAPPING,
      host("db1", { env: "prod", role: { slug: "db" }, primary_ip4: { address: "10.0.0.5/24" }, labels: "a, b" }, ["team_pay", "tag_x"]),
    );
    expect(r).toEqual({
      ok: true,
      host: {
        externalId: "db1",
        name: "db1",
        team: "pay",
        environment: "PRODUCTION",
        kind: "VM",
        service: "db",
        cluster: null,
        address: "10.0.0.5",
        tags: ["a", "b", "x"],
        group: null,
      },
    });
  });

  it("says why a host cannot be mapped", () => {
    expect(mapHost(MAPPING, host("x", { role: { slug: "db" } }, ["team_pay"]))).toMatchObject({
      ok: false,
      error: { host: "x", message: expect.stringMatching(/^no environment/) },
    });
    expect(mapHost(MAPPING, host("x", { env: "staging", role: { slug: "db" } }, ["team_pay"]))).toMatchObject({
      error: { message: expect.stringMatching(/must be production or non-production/) },
    });
    expect(mapHost(MAPPING, host("x", { env: "prod", kind: "toaster", role: { slug: "db" } }, ["team_pay"]))).toMatchObject({
      error: { message: expect.stringMatching(/^kind "toaster"/) },
    });
  });

  it("a field the mapping leaves out is not the sync's: undefined, not null", () => {
    const r = mapHost({ fields: { team: "const:t", environment: "const:production", kind: "const:vm", service: "const:s" } }, host("a"));
    expect(r.ok && r.host.address).toBeUndefined();
    expect(r.ok && r.host.tags).toBeUndefined();
  });

  it("the schema requires team, environment, kind and service", () => {
    const parsed = MappingSchema.safeParse({ fields: { team: "const:t" } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["fields.environment", "fields.kind", "fields.service"]);
  });
});

describe("planSync", () => {
  const desired = (name: string, extra: Partial<DesiredServer> = {}): DesiredServer => ({
    externalId: name,
    name,
    teamId: "t1",
    environment: "PRODUCTION",
    kind: "VM",
    service: "s",
    address: null,
    group: spreadGroup(name),
    ...extra,
  });
  const existing = (name: string, extra: Partial<ExistingServer> = {}): ExistingServer => ({
    id: `id-${name}`,
    externalId: name,
    revision: 4,
    retiredAt: null,
    name,
    teamId: "t1",
    environment: "PRODUCTION",
    kind: "VM",
    service: "s",
    cluster: null,
    address: null,
    tags: ["keep"],
    ...extra,
  });
  const plan = (d: DesiredServer[], e: ExistingServer[], taken: string[] = [], failed: string[] = []) =>
    planSync({ desired: d, existing: e, failed: new Set(failed), errors: [], takenNames: new Set(taken) });

  it("adds, changes only owned fields, retires what is gone, restores what is back, leaves the rest", () => {
    const p = plan(
      [desired("new"), desired("same"), desired("moved", { environment: "NON_PRODUCTION" }), desired("back")],
      [
        existing("same"),
        existing("moved"),
        existing("gone"),
        existing("back", { retiredAt: new Date("2026-01-01T00:00:00Z") }),
        existing("old", { retiredAt: new Date() }),
      ],
    );
    expect(p.items.map((i) => [i.op, i.name])).toEqual([
      ["add", "new"],
      ["change", "moved"],
      ["restore", "back"],
      ["retire", "gone"],
    ]);
    expect(p.items[1]).toMatchObject({ before: { environment: "PRODUCTION" }, after: { environment: "NON_PRODUCTION" }, revision: 4 });
    // Tags are not mapped here (undefined): the person's "keep" tag is no change.
    expect(p.counts).toMatchObject({ added: 1, changed: 1, restored: 1, retired: 1, unchanged: 1 });
  });

  it("never takes a name held elsewhere, and keeps the server of a host that failed to map", () => {
    const p = plan([desired("typed-by-hand")], [existing("broken")], ["typed-by-hand"], ["broken"]);
    expect(p.items).toEqual([]);
    expect(p.errors).toEqual([{ host: "typed-by-hand", message: expect.stringMatching(/not taken over/) }]);
  });

  it("a second plan of what was applied is empty", () => {
    const d = [desired("a", { tags: ["x", "y"] })];
    const p = plan(d, [existing("a", { tags: ["y", "x"] })]);
    expect(p.items).toEqual([]);
    expect(p.counts.unchanged).toBe(1);
  });
});
