import { describe, expect, it } from "vitest";
import { callbackPath } from "@/lib/url";

const PORTAL = "https://patchparty.example.com";

describe("callbackPath: where to go after signing in", () => {
  it.each([
    ["/\\evil.example", "a backslash, which browsers read as a slash"],
    [decodeURIComponent("/%5Cevil.example"), "the same, as a query string decodes it"],
    [decodeURIComponent("/%09/evil.example"), "a tab, which browsers drop"],
    ["/\n/evil.example", "a newline, which browsers drop"],
    ["//evil.example", "a protocol-relative URL"],
    ["\\\\evil.example", "two backslashes"],
    ["/.//evil.example", "a dot segment that leaves //evil.example"],
    ["https://evil.example", "another site"],
    ["https://evil.example/resources", "another site's path"],
    ["http://patchparty.example.com/resources", "the portal over http, another origin"],
    ["javascript:alert(1)", "a script"],
    ["JaVaScRiPt:alert(1)", "a script, any case"],
    ["data:text/html,<script>alert(1)</script>", "a data URL"],
    ["", "nothing"],
  ])("%j (%s) ends on the front page", (value) => {
    expect(callbackPath(value, PORTAL)).toBe("/");
  });

  it("keeps a path on the portal, with its query and fragment", () => {
    expect(callbackPath("/resources?sort=group&q=web#top", PORTAL)).toBe("/resources?sort=group&q=web#top");
    expect(callbackPath("/%5Cevil.example", PORTAL)).toBe("/%5Cevil.example"); // still encoded: a path on the portal
    expect(callbackPath("resources", PORTAL)).toBe("/resources");
    expect(callbackPath(`${PORTAL}/changes`, PORTAL)).toBe("/changes");
  });

  it("anything but text is the front page; without the portal's origin a path is still a path", () => {
    for (const value of [undefined, null, ["/a", "/b"], 42, { url: "/a" }]) expect(callbackPath(value, PORTAL)).toBe("/");
    expect(callbackPath("/templates/abc")).toBe("/templates/abc");
    expect(callbackPath("/\\evil.example")).toBe("/");
  });
});
