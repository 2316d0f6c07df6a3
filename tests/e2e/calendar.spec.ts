import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import ICAL from "ical.js";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

test("browse months, switch views and time zone, filter, open a party", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "viewer@example.com");
  await page.goto("/calendar?date=2026-12");
  await expect(page.getByTestId("calendar-title")).toHaveText("December 2026");
  const production = page.getByRole("link", {
    name: /^Production Patch Party 2026-Q4, group 1, 05:00–09:00 UTC, \d+ resources(, blocked: change not approved)?(, overlaps the upgrade window of [^,]+)?$/,
  });
  await expect(production).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("month.png"), fullPage: true });

  await page.getByRole("link", { name: "Previous month" }).click();
  await expect(page.getByTestId("calendar-title")).toHaveText("November 2026");
  await expect(page.getByRole("link", { name: /^QA Patch Party 2026-Q4, group 2/ })).toBeVisible();
  await page.getByRole("link", { name: "Next month" }).click();
  // Each click follows the link of the page it is on: wait for the page before clicking again.
  await expect(page.getByTestId("calendar-title")).toHaveText("December 2026");
  await page.getByRole("link", { name: "Next month" }).click();
  await expect(page.getByTestId("calendar-title")).toHaveText("January 2027");

  // My time zone: the browser says America/New_York; the production slot starts at 00:00 there.
  await page.goto("/calendar?date=2026-12");
  await page.getByRole("link", { name: "My time (America/New_York)" }).click();
  await expect(page).toHaveURL(/tz=local/);
  await expect(page.getByRole("link", { name: /^Production Patch Party 2026-Q4, group 1, 00:00–04:00,/ })).toBeVisible();
  // 1 November 2026 is a DST change in New York: the day says so.
  await page.getByRole("link", { name: "Previous month" }).click();
  await expect(page.locator('td[data-date="2026-11-01"]')).toContainText("UTC-04:00 → UTC-05:00");

  await page.getByRole("link", { name: "Quarter", exact: true }).click();
  await expect(page.getByTestId("calendar-title")).toHaveText("Q4 2026");
  await expect(page.getByRole("table", { name: "December 2026" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("quarter.png"), fullPage: true });
  await page.getByRole("link", { name: "Agenda", exact: true }).click();
  await expect(page.getByTestId("calendar-agenda")).toContainText("2026-Q4");

  // Filters live in the URL.
  await page.getByLabel("Environment").selectOption("production");
  await page.getByLabel("Patch group").selectOption("2");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/environment=production/);
  await expect(page).toHaveURL(/group=2/);
  await expect(page.getByTestId("calendar-agenda").getByRole("link", { name: /2026-Q4/ })).toHaveCount(1);
  await expect(page.getByTestId("calendar-agenda")).not.toContainText("G1");

  await page
    .getByTestId("calendar-agenda")
    .getByRole("link", { name: /2026-Q4/ })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Production Patch Party 2026-Q4" })).toBeVisible();
  const count = Number((await page.getByTestId("party-slot-2").innerText()).replace(/,/g, ""));
  expect(count).toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath("party.png"), fullPage: true });
  const api = (await (await page.request.get("/api/v1/parties/2026-Q4/production")).json()) as { slots: { group: number; resources: number }[] };
  expect(api.slots.find((s) => s.group === 2)?.resources).toBe(count);
  noErrors();
});

test("a past party shows its outcome counts", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/parties/2026-Q3/qa");
  await expect(page.getByTestId("party-status")).toHaveText("done");
  const outcomes = page.getByTestId("party-outcomes");
  await expect(outcomes).toContainText("Patched");
  await expect(outcomes).toContainText("Failed");
});

test("download the feed: a real iCalendar parser reads the same parties as the API", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/calendar");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download .ics" }).click();
  const text = readFileSync(await (await download).path(), "utf8");
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  expect(events.length).toBeGreaterThan(50);
  const uids = new Set(events.map((e) => e.uid));
  expect(uids.size).toBe(events.length);

  const parties = (await (await page.request.get("/api/v1/parties?from=2027-01-01&to=2027-12-31")).json()) as {
    tag: string;
    kind: string;
    slots: { group: number; startsAt: string; endsAt: string }[];
  }[];
  for (const party of parties) {
    for (const slot of party.slots) {
      const event = events.find((e) => e.uid === `${party.tag}-${party.kind}-group-${slot.group}@patchparty`);
      expect(event, `${party.tag} ${party.kind} ${slot.group}`).toBeDefined();
      expect(event!.startDate.toJSDate().toISOString()).toBe(slot.startsAt);
      expect(event!.endDate.toJSDate().toISOString()).toBe(slot.endsAt);
      expect(event!.startDate.zone.tzid).toBe("UTC");
    }
  }
});

test("a personal subscribe address works without a session, and stops when revoked", async ({ page, playwright }) => {
  await signIn(page, "owner@example.com");
  await page.goto("/calendar");
  await page.getByLabel("Name", { exact: true }).fill("Phone");
  await page.getByLabel("Only this team (optional)").fill("payments");
  await page.getByRole("button", { name: "Create subscribe address" }).click();
  const url = (await page.getByTestId("feed-url").innerText()).trim();
  expect(url).toMatch(/\/api\/v1\/calendar\.ics\?key=pp_/);
  const anonymous = await playwright.request.newContext();
  const feed = await anonymous.get(url);
  expect(feed.status()).toBe(200);
  expect(await feed.text()).toContain("BEGIN:VCALENDAR");
  await page.reload();
  await page.getByRole("button", { name: "Revoke feed Phone" }).click();
  await expect(page.getByText("revoked")).toBeVisible();
  expect((await anonymous.get(url)).status()).toBe(401);
  await anonymous.dispose();
});

test("an owner sees their patch day", async ({ page }, testInfo) => {
  await signIn(page, "owner@example.com");
  await page.getByRole("link", { name: "My patch day" }).click();
  const days = page.getByTestId("patch-day");
  await expect(days.first()).toBeVisible();
  await expect(days.first().getByRole("region", { name: "Group 1" })).toContainText("resources");
  await page.screenshot({ path: testInfo.outputPath("my-patch-day.png"), fullPage: true });
});

test("an admin previews the next eight parties of the rule before saving; others cannot open the editor", async ({ page, browser }, testInfo) => {
  await signIn(page, "admin@example.com");
  await page.getByRole("link", { name: "Party rule" }).click();
  await expect(page.getByRole("button", { name: "Save and regenerate" })).toBeDisabled();
  // What was typed survives a preview (React used to reset the form, and Save sent the old rule).
  await page.getByLabel("Which Thursday").selectOption("3");
  await page.getByRole("button", { name: "Preview the next eight" }).click();
  await expect(page.getByTestId("rule-preview").getByRole("row").first()).toContainText("2027-Q1");
  await expect(page.getByTestId("rule-preview").getByRole("row").first()).toContainText("18 Feb 2027");
  await expect(page.getByLabel("Which Thursday")).toHaveValue("3");
  await page.getByLabel("Which Thursday").selectOption("2");
  await page.getByRole("button", { name: "Preview the next eight" }).click();
  await expect(page.getByTestId("rule-preview").getByRole("row").first()).toContainText("11 Feb 2027");
  await expect(page.getByTestId("rule-preview").getByRole("row")).toHaveCount(8);
  await expect(page.getByText("Nothing is saved yet.")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("rule.png"), fullPage: true });
  await page.getByRole("button", { name: "Save and regenerate" }).click();
  await expect(page.getByText(/Saved\. 0 future parties moved, 0 added; past parties untouched\./)).toBeVisible();

  const viewer = await browser.newContext();
  const viewerPage = await viewer.newPage();
  await signIn(viewerPage, "viewer@example.com");
  await viewerPage.goto("/admin/party-rule");
  await expect(viewerPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const rule = await (await viewerPage.request.get("/api/v1/party-rule")).json();
  expect(rule).toMatchObject({ timeZone: "Europe/Paris", qaThursdayOfMonth: 2, productionMinGapDays: 21 });
  const put = await viewerPage.request.put("/api/v1/party-rule", { data: rule, headers: fromThePortal(viewerPage) });
  expect(put.status()).toBe(403);
  expect((await viewerPage.request.put("/api/v1/party-rule", { data: { ...rule, qaMonthOfQuarter: 7 }, headers: fromThePortal(viewerPage) })).status()).toBe(
    400,
  );
  await viewer.close();
});

/** Marks a production party of the e2e database as announced, or takes that back (tests/e2e/scripts/announced-party.ts). */
function announced<T>(...args: string[]): T {
  const out = execFileSync("node_modules/.bin/tsx", ["tests/e2e/scripts/announced-party.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, PATCHPARTY_DB_PORT: "54401" },
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

test("a rule change lists every party it would move, and keeps one announced to customers on its date unless told otherwise", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  const party = announced<{ tag: string; localDate: string }>("announce");
  await signIn(page, "admin@example.com");
  try {
    await page.goto("/admin/party-rule");
    await page.getByLabel("First Sunday at least this many days after QA").fill("28");
    await page.getByRole("button", { name: "Preview the next eight" }).click();
    const row = page
      .getByTestId("rule-moves")
      .getByRole("row")
      .filter({ hasText: `${party.tag} production` });
    await expect(row).toContainText("Announced to customers");
    await expect(row).toContainText("Keeps its date");
    await expect(row).toContainText("UTC");
    // Every production party still to come moves a week; the announced one only if ticked.
    expect(await page.getByTestId("rule-moves").getByRole("row").filter({ hasText: "production" }).count()).toBeGreaterThan(4);
    await expect(page.getByText(/only if you tick "Also move…"/)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("rule-moves.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath("rule-moves-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole("button", { name: "Save and regenerate" }).click();
    await expect(page.getByText(new RegExp(`kept their dates: .*${party.tag} production`))).toBeVisible();
    const api = await (await page.request.get(`/api/v1/parties/${party.tag}/production`)).json();
    expect(api).toMatchObject({ localDate: party.localDate });
    await page.goto(`/parties/${party.tag}/production`);
    await expect(page.getByText(/Kept on its date when the party rule changed on .*: customers were told of its date/)).toBeVisible();
    noErrors();
  } finally {
    announced("forget", party.tag);
    const rule = await (await page.request.get("/api/v1/party-rule")).json();
    const back = await page.request.put("/api/v1/party-rule", {
      data: { ...rule, productionMinGapDays: 21, revision: undefined, moveAnnounced: true },
      headers: fromThePortal(page),
    });
    expect(back.status()).toBe(200);
  }
});
