// Issue 18: the audit CSV downloaded from the page with its filters, the compliance trend chart and
// its CSV, and the home page's "Needs you" card for an approver and an owner.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

const csvRows = (file: string) => parse(readFileSync(file, "utf8"), { columns: true, bom: true }) as Record<string, string>[];
const csvHeader = (file: string) => readFileSync(file, "utf8").split("\n", 1)[0];

async function download(page: Page, link: ReturnType<Page["getByRole"]>) {
  const downloading = page.waitForEvent("download");
  await link.click();
  const file = await (await downloading).path();
  return file;
}

/** Screenshots at a desktop's and a phone's width; on the phone, `region` fits the screen. */
async function shoot(page: Page, name: string, outputPath: (name: string) => string, region: ReturnType<Page["getByTestId"]>) {
  await page.screenshot({ path: outputPath(`${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(region).toBeVisible();
  await page.screenshot({ path: outputPath(`${name}-phone.png`), fullPage: true });
  const box = (await region.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
}

// Run alone, this file's first sign-in meets a server that has served nothing yet (its first
// password check, its first render of an admin's home page and its prefetches): on a loaded
// machine it took longer than signIn's 5 s three times. The first test signs in as an admin.
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("patchparty");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible({ timeout: 30_000 });
  await page.close();
});

test("an approver finds a submitted change under Needs you; the audit CSV downloaded with a filter holds just those events", async ({
  page,
  browser,
}, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  // The soonest stored production party without a change: its change is then the soonest to decide.
  const parties = (await (await page.request.get("/api/v1/parties?from=2026-12-01&to=2028-12-31")).json()) as {
    tag: string;
    kind: string;
    status: string;
    startsAt: string;
    change: { id: string } | null;
  }[];
  const target = parties.find((p) => p.kind === "production" && p.status === "planned" && p.change === null && new Date(p.startsAt) > new Date())!;
  const opened = await page.request.post("/api/v1/changes", { data: { partyTag: target.tag }, headers: fromThePortal(page) });
  expect(opened.status()).toBe(201);
  const change = (await opened.json()) as { id: string; title: string };
  expect((await page.request.post(`/api/v1/changes/${change.id}/submit`, { data: {}, headers: fromThePortal(page) })).status()).toBe(200);

  // The audit page's filters, then its CSV: only the admin's submissions.
  await page.goto("/audit");
  await page.getByLabel("Person (e-mail)").fill("admin@example.com");
  await page.getByLabel("Action").selectOption("change.submit");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=change.submit/);
  await expect(page.getByTestId("audit-rows")).toContainText(change.title);
  const link = page.getByRole("link", { name: "Download CSV" });
  await expect(link).toHaveAttribute("href", /^\/api\/v1\/audit\.csv\?.*action=change\.submit/);
  const file = await download(page, link);
  expect(csvHeader(file)).toBe("at,actor,action,entity_type,entity_id,entity,before,after,reason");
  const rows = csvRows(file);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.action === "change.submit" && r.actor === "admin@example.com")).toBe(true);
  expect(rows.map((r) => r.entity_id)).toContain(change.id);
  noErrors();

  const approverContext = await browser.newContext();
  const approver = await approverContext.newPage();
  const approverErrors = failOnConsoleErrors(approver);
  await signIn(approver, "approver@example.com");
  const card = approver.getByRole("region", { name: "Needs you" });
  await expect(card.getByRole("link", { name: /^\d+ changes? waits? for your decision$/ })).toBeVisible();
  await expect(card.getByRole("link", { name: change.title })).toBeVisible();
  await shoot(approver, "home-approver", (n) => testInfo.outputPath(n), approver.getByTestId("needs-you"));
  await card.getByRole("link", { name: change.title }).click();
  await expect(approver).toHaveURL(new RegExp(`/changes/${change.id}$`));
  approverErrors();
  await approverContext.close();
});

test("an owner's Needs you names their teams' exclusions; a viewer is told nothing waits", async ({ page, browser }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "owner@example.com");
  const card = page.getByRole("region", { name: "Needs you" });
  await expect(card.getByRole("heading", { name: "Your teams" })).toBeVisible();
  await expect(card.getByRole("link", { name: /^\d+ resources? excluded from the next party$/ }).first()).toBeVisible();
  await shoot(page, "home-owner", (n) => testInfo.outputPath(n), page.getByTestId("needs-you"));
  await card
    .getByRole("link", { name: /excluded from the next party$/ })
    .first()
    .click();
  await expect(page).toHaveURL(/\/resources\?team=[a-z-]+&state=excluded$/);
  noErrors();

  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, "viewer@example.com");
  await expect(viewer.getByRole("region", { name: "Needs you" })).toContainText("Nothing waits for you");
  await viewerContext.close();
});

test("compliance shows the trend over eight quarters as a chart with its table, and exports its figures", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "viewer@example.com");
  await page.goto("/compliance");
  const trend = page.getByRole("region", { name: "Trend" });
  await expect(trend.getByTestId("compliance-trend")).toBeVisible();
  const chart = trend.getByRole("img", { name: /^Share patched per quarter, \d{4}-Q[1-4] to \d{4}-Q[1-4], by environment$/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAccessibleDescription(/^Production: .+ Non-production: .+$/);
  await trend.getByText("The figures as a table").click();
  const table = trend.getByRole("table", { name: "Share patched per quarter and environment" });
  await expect(table.getByRole("row")).toHaveCount(9);
  // The demo data has parties in the past: some quarter has a share.
  await expect(table).toContainText("%");
  await shoot(page, "compliance", (n) => testInfo.outputPath(n), trend);

  const file = await download(page, page.getByRole("link", { name: "Download CSV" }));
  expect(csvHeader(file)).toBe("section,quarter,team,environment,resources,patched,share,overdue,withinDeadline");
  const rows = csvRows(file);
  expect(rows.filter((r) => r.section === "trend")).toHaveLength(16);
  expect(rows.some((r) => r.section === "by-team" && r.team === "Payments")).toBe(true);
  noErrors();
});
