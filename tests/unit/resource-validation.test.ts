import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isExcludedAt } from "@/lib/domain";
import { firstIssue } from "@/lib/validation/common";
import { CsvRowSchema } from "@/lib/validation/resource-csv";
import {
  ConnectionSchema,
  ExcludeSchema,
  filtersFromSearchParams,
  GroupChangeSchema,
  ResourceListQuerySchema,
  ResourcePatchSchema,
} from "@/lib/validation/resources";

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
      fc.property(
        fc.dictionary(fc.constantFrom("q", "environment", "kind", "group", "state", "sort", "never", "security", "reboot", "lastTag", "zzz"), fc.string()),
        (params) => {
          const query = filtersFromSearchParams(params);
          expect(
            ResourceListQuerySchema.safeParse(
              Object.fromEntries(
                Object.entries(query)
                  .filter(([, v]) => v !== undefined)
                  .map(([k, v]) => [k, v === true ? "1" : String(v)]),
              ),
            ).success,
          ).toBe(true);
        },
      ),
    );
  });
});

describe("a CSV row", () => {
  it("splits tags on ;, and names the column of each problem", () => {
    const row = CsvRowSchema.parse({
      name: "web-01",
      kind: "vm",
      environment: "production",
      team: "payments",
      group: "2",
      tags: "pci; linux;pci",
      cluster: "",
      service: "",
    });
    expect(row).toMatchObject({ tags: ["pci", "linux"], cluster: null, service: null, group: 2 });
    const bad = CsvRowSchema.safeParse({ name: "web 01", kind: "vm", environment: "prod", team: "", group: "x" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0])).toEqual(["name", "environment", "team", "group"]);
  });
});

describe("a connection", () => {
  const address = (value: unknown) => ConnectionSchema.safeParse({ address: value, sshPort: "", sshUser: "" });

  it("takes host names, IPv4 and IPv6 addresses, trimmed; empty or null clears it", () => {
    for (const ok of [
      "web-01",
      "web-01.example.com",
      "WEB-01.Example.COM",
      "x",
      "1e100.net",
      "10.0.0.5",
      "::1",
      "2001:db8::10",
      "::ffff:192.0.2.1",
      `${"a".repeat(63)}.example.com`,
    ]) {
      expect(address(ok).data?.address, ok).toBe(ok);
    }
    expect(address("  web-01  ").data?.address).toBe("web-01");
    for (const cleared of ["", "   ", null]) expect(address(cleared).data?.address).toBeNull();
  });

  it("refuses anything ssh could read as an option, a user or a second word", () => {
    const message = (value: unknown) => address(value).error?.flatten().fieldErrors.address?.[0];
    expect(message("-oProxyCommand=x")).toBe('The address cannot start with "-".');
    for (const bad of ["a b", "web\u0000", "web\tx", "web\n01", "web\u202E"])
      expect(message(bad), JSON.stringify(bad)).toBe("The address cannot hold spaces or control characters.");
    for (const bad of [
      "root@web",
      "web_01",
      "-web",
      "web-",
      "web..example",
      ".web",
      "10.0.0.300",
      "10.0.0",
      "01.2.3.4",
      "12345",
      "[::1]",
      "fe80::1%eth0",
      "wéb.example",
      "web:22",
      42,
      true,
      [],
      {},
    ]) {
      expect(address(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(message(`${"a".repeat(64)}.example.com`)).toBe("Each part of a host name between dots must be at most 63 characters.");
    expect(message(`${"a.".repeat(127)}com`)).toBe("The address must be at most 253 characters.");
  });

  it("takes ports 1 to 65535 as numbers or text; empty means 22", () => {
    const port = (value: unknown) => ConnectionSchema.safeParse({ address: "", sshPort: value, sshUser: "" });
    expect(port("2222").data?.sshPort).toBe(2222);
    expect(port(1).data?.sshPort).toBe(1);
    expect(port(65_535).data?.sshPort).toBe(65_535);
    expect(port("").data?.sshPort).toBeNull();
    for (const bad of [0, 65_536, 70_000, -22, 22.5, "22; reboot", "abc", true, []]) {
      expect(port(bad).error?.flatten().fieldErrors.sshPort?.[0], JSON.stringify(bad)).toBe(
        "The port must be a whole number from 1 to 65535 (empty means 22).",
      );
    }
  });

  it("takes POSIX user names of up to 32 characters; empty means the default", () => {
    const user = (value: unknown) => ConnectionSchema.safeParse({ address: "", sshPort: "", sshUser: value });
    for (const ok of ["root", "deploy", "_svc", "Deploy-2", "u".repeat(32)]) expect(user(ok).data?.sshUser, ok).toBe(ok);
    expect(user("").data?.sshUser).toBeNull();
    for (const bad of ["-oProxyCommand=x", "1root", "root@host", "ro ot", "ro.ot", "rööt"]) expect(user(bad).success, bad).toBe(false);
    expect(user("u".repeat(33)).error?.flatten().fieldErrors.sshUser?.[0]).toBe("The user must be at most 32 characters.");
  });

  it("PATCH wants a group or a connection field, and no other", () => {
    expect(firstIssue(ResourcePatchSchema.safeParse({}).error!)).toBe("Send at least one of group, address, sshPort and sshUser.");
    expect(firstIssue(ResourcePatchSchema.safeParse({ revision: 3 }).error!)).toBe("Send at least one of group, address, sshPort and sshUser.");
    expect(ResourcePatchSchema.parse({ address: null })).toEqual({ address: null });
    expect(ResourcePatchSchema.parse({ group: 2, sshUser: "deploy" })).toEqual({ group: 2, sshUser: "deploy" });
    expect(ResourcePatchSchema.safeParse({ address: "web-01", port: 22 }).success).toBe(false);
  });
});
