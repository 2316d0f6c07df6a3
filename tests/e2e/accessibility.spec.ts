import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

type Role = "viewer" | "owner" | "approver" | "admin";
const EVERYONE: readonly Role[] = ["viewer", "owner", "approver", "admin"];

/**
 * Every page of app/(portal)/**\/page.tsx and the roles that may open it. `{resource}`, `{party}`,
 * `{template}`, `{policy}`, `{change}` and `{execution}` are replaced by real ones read from the
 * API, `{slot}` by the party whose QA slot has members (below). A new page is one line here.
 */
const PAGES: readonly (readonly [path: string, roles: readonly Role[]])[] = [
  ["/", EVERYONE],
  ["/account", EVERYONE],
  ["/calendar", EVERYONE],
  ["/calendar?view=month", EVERYONE],
  ["/my-patch-day", EVERYONE],
  ["/resources", EVERYONE],
  ["/resources/{resource}", EVERYONE],
  ["/resources/long-exclusions", EVERYONE],
  ["/resources/import", ["admin"]],
  ["/policies", EVERYONE],
  ["/policies/{policy}", EVERYONE],
  ["/policies/new", ["admin"]],
  ["/templates", EVERYONE],
  ["/templates/{template}", EVERYONE],
  ["/templates/{template}/plan", ["admin"]],
  ["/templates/new", EVERYONE],
  ["/changes", EVERYONE],
  ["/changes/{change}", EVERYONE],
  ["/parties/{party}/production", EVERYONE],
  ["/parties/{slot}/qa", EVERYONE],
  // The slot's servers are of a team of their own: an owner of other teams is told there is no such
  // execution (issue 21; tenant-leaks.spec.ts checks that no page names them).
  ["/executions/{execution}", ["viewer", "approver", "admin"]],
  ["/freezes", EVERYONE],
  ["/notifications", ["owner", "approver", "admin"]],
  ["/compliance", EVERYONE],
  ["/audit", ["approver", "admin"]],
  ["/admin/party-rule", ["admin"]],
  ["/admin/tokens", ["admin"]],
  ["/admin/users", ["admin"]],
  ["/admin/execution", ["admin"]],
  ["/admin/webhooks", ["admin"]],
];

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * The demo data has no executions: a QA party slot of its own (a far year, a team of its own) whose
 * members wait for a person, one reported patched with its packages and output
 * (tests/e2e/scripts/manual-slot.ts, as manual-outcomes.spec.ts uses it).
 */
let slot: { tag: string };
test.beforeAll(() => {
  const out = execFileSync("node_modules/.bin/tsx", ["tests/e2e/scripts/manual-slot.ts", "setup"], {
    encoding: "utf8",
    env: { ...process.env, PATCHPARTY_DB_PORT: "54401" },
  });
  slot = JSON.parse(out.trim().split("\n").at(-1)!) as { tag: string };
});

type Ids = Record<"resource" | "party" | "template" | "policy" | "change" | "execution" | "slot", string>;

/** Real things to open, read from the API as the signed-in person (a resource of the owner's team, so its forms show). */
async function realIds(page: Page): Promise<Ids> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(200);
    return (await response.json()) as T;
  };
  const resources = await get<{ items: { name: string }[] }>("/api/v1/resources?q=prd-payments&limit=1");
  const parties = await get<{ tag: string; kind: string }[]>("/api/v1/parties?from=2026-01-01&to=2027-12-31");
  const templates = await get<{ id: string; state: string }[]>("/api/v1/templates");
  const policies = await get<{ id: string }[]>("/api/v1/policies");
  const changes = await get<{ items: { id: string }[] }>("/api/v1/changes");
  const ran = templates.find((t) => t.state !== "PENDING") ?? templates[0]!;
  const executions = await get<{ items: { key: string }[] }>(`/api/v1/executions?party=${slot.tag}&kind=qa&state=succeeded&limit=1`);
  return {
    resource: resources.items[0]!.name,
    party: parties.find((p) => p.kind === "production")!.tag,
    template: ran.id,
    policy: policies[0]!.id,
    change: changes.items[0]!.id,
    execution: executions.items[0]?.key ?? "",
    slot: slot.tag,
  };
}

const fill = (path: string, ids: Ids) => path.replace(/\{(\w+)\}/g, (_, key: keyof Ids) => encodeURIComponent(ids[key]));

/** axe's serious and critical findings, one readable line per element. */
async function axeFindings(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${where}: [${v.impact}] ${v.id} (${v.help}) at ${n.target.join(" ")}\n    ${n.failureSummary?.replace(/\n/g, " ")}`));
}

for (const role of EVERYONE) {
  test(`every page a ${role} opens passes axe and fits a 390 px screen`, async ({ browser }) => {
    const pages = PAGES.filter(([, roles]) => roles.includes(role));
    test.setTimeout(20_000 + pages.length * 8_000);
    // One context per role: one sign-in, each page loaded once, checked wide and then narrow.
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, `${role}@example.com`);
    const ids = await realIds(page);
    const findings: string[] = [];
    for (const [pattern] of pages) {
      const path = fill(pattern, ids);
      await page.setViewportSize(DESKTOP);
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1 }).first(), path).toBeVisible();
      await expect(page.getByRole("heading", { level: 1, name: "Page not found" }), path).toHaveCount(0);
      // Streamed sections too: axe reads the page once every skeleton has been replaced.
      await expect(page.locator('[aria-busy="true"]'), path).toHaveCount(0, { timeout: 15_000 });
      findings.push(...(await axeFindings(page, `${role} ${path} (1280 px)`)));
      await page.setViewportSize(PHONE);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE.width) findings.push(`${role} ${path}: the page is ${width} px wide on a ${PHONE.width} px screen`);
      findings.push(...(await axeFindings(page, `${role} ${path} (390 px)`)));
    }
    await context.close();
    expect(findings, `\n${findings.join("\n")}\n`).toEqual([]);
  });
}
