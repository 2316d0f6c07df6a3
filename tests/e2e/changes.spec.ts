import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { DateTime } from "luxon";
import { failOnConsoleErrors, fromThePortal, signIn, signOut } from "./helpers";

test("an approver approves the submitted change of the next production party, with a comment", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "approver@example.com");
  await page.goto("/changes?state=SUBMITTED");
  const table = page.getByRole("table", { name: "Change requests" });
  await expect(table).toContainText("Waiting for approval");
  await page.screenshot({ path: testInfo.outputPath("changes.png"), fullPage: true });
  await table
    .getByRole("link", { name: /^Patch Party \d{4}-Q[1-4] production/ })
    .first()
    .click();
  await expect(page.getByText("Requested by admin@example.com")).toBeVisible();
  await expect(page.getByText("Rollback plan")).toBeVisible();
  await expect(page.getByText(/Group 1: /)).toBeVisible();

  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByText("Say why, for the record.")).toBeVisible();
  await page.getByLabel("Comment for the record").fill("CAB: go, with the snapshot step");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("decision")).toContainText("by approver@example.com");
  await expect(page.getByTestId("decision")).toContainText("CAB: go, with the snapshot step");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("change-approved.png"), fullPage: true });

  // The party's page says so (and it was blocked before: see the API below).
  await page.getByRole("link", { name: /^Patch Party \d{4}-Q[1-4] \(production\)$/ }).click();
  await expect(page.getByTestId("change-status")).toContainText("Approved: this production party may start in its window.");
  const tag = /parties\/(\d{4}-Q[1-4])\/production/.exec(page.url())![1]!;
  await page.screenshot({ path: testInfo.outputPath("party-approved.png"), fullPage: true });
  const parties = (await (await page.request.get(`/api/v1/parties?from=2026-01-01&to=2028-12-31`)).json()) as {
    tag: string;
    kind: string;
    change: { state: string } | null;
    blocked: boolean;
    blockedReason: string | null;
  }[];
  expect(parties.find((p) => p.tag === tag && p.kind === "production")).toMatchObject({ change: { state: "APPROVED" }, blocked: false, blockedReason: null });
  const later = parties.filter((p) => p.kind === "production" && p.tag > tag);
  expect(later[0]).toMatchObject({ change: null, blocked: true, blockedReason: "It has no change request yet." });
  expect(parties.find((p) => p.kind === "qa")).toMatchObject({ change: null, blocked: false });

  // The calendar marks the later, unapproved production party as blocked, and not this one.
  await page.goto(`/calendar?view=agenda&date=${tag.slice(0, 4)}-${String((Number(tag.slice(6)) - 1) * 3 + 1).padStart(2, "0")}`);
  const agenda = page.getByRole("table", { name: /^Patch Parties/ });
  await expect(
    agenda
      .getByRole("row")
      .filter({ hasText: `${tag}` })
      .filter({ hasText: "Production" }),
  ).not.toContainText("blocked");
  await expect(agenda.getByRole("row").filter({ hasText: later[0]!.tag }).filter({ hasText: "Production" })).toContainText("blocked: change not approved");
  noErrors();
});

test("customers' notices are listed, and the party page counts them", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  // Notices hold customers' e-mail addresses: approvers and admins read them all (decision 017).
  await signIn(page, "approver@example.com");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notices" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Customer notices" })).toBeVisible();
  await expect(page.getByText("No SMTP server is configured")).toBeVisible();
  // The sent ones: near a patch day the worker's fresh notices (upgrade windows, reminders) fill
  // the first page of all notices, newest first, and the demo's sent ones move to the next.
  await page.getByRole("navigation", { name: "Filter by state" }).getByRole("link", { name: "Sent" }).click();
  await expect(page).toHaveURL(/state=SENT/);
  const table = page.getByRole("table", { name: "Customer notices" });
  const partyNotice = page.getByRole("link", { name: /^Planned maintenance: Patch Party \d{4}-Q[1-4] \(production\)/ });
  const first = table.getByRole("row").filter({ has: partyNotice }).first();
  await expect(first).toContainText("Sent");
  await page.screenshot({ path: testInfo.outputPath("notices.png"), fullPage: true });
  await first.getByRole("link").click();
  await expect(page.getByTestId("party-notices")).toContainText(/Announcement: Sent × \d+/);
  const api = (await (await page.request.get("/api/v1/notifications?state=SENT")).json()) as {
    items: { recipient: string; subject: string; window: unknown; state: string; sentAt: string }[];
  };
  expect(api.items.length).toBeGreaterThan(0);
  expect(api.items[0]).toMatchObject({ state: "SENT", window: { startsAt: expect.any(String) }, sentAt: expect.any(String) });
  expect((await page.request.get("/api/v1/notifications?state=LOST")).status()).toBe(400);
  noErrors();
});

test("an admin sees the QA outcome on the production party, holds it with a reason and releases it", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  // A party of its own: the demo's next production party may have started (on its day), or its QA not have run yet.
  const out = execFileSync("node_modules/.bin/tsx", ["tests/e2e/scripts/manual-slot.ts", "qa-gate"], {
    encoding: "utf8",
    env: { ...process.env, PATCHPARTY_DB_PORT: "54401" },
  });
  const { tag } = JSON.parse(out.trim().split("\n").at(-1)!) as { tag: string };
  await signIn(page, "admin@example.com");
  await page.goto(`/parties/${tag}/production`);
  const gate = page.getByTestId("qa-gate");
  await expect(gate).toContainText(new RegExp(`QA ${tag}: [\\d,]+ patched, [\\d,]+ failed \\([\\d.]+ % of [\\d,]+; threshold 2 %\\)`));
  await gate.getByRole("button", { name: "Hold production" }).click();
  await expect(gate.getByText("Say why it is held, in at least 3 characters.")).toBeVisible();
  await gate.getByLabel("Reason to hold").fill("QA failures under review");
  await gate.getByRole("button", { name: "Hold production" }).click();
  await expect(gate.getByText(/^Held by admin@example\.com on .*: QA failures under review$/)).toBeVisible();
  await expect(page.getByTestId("change-status")).toContainText(
    "Blocked: this production party does not start. Held by admin@example.com: QA failures under review",
  );
  await page.screenshot({ path: testInfo.outputPath("party-held.png"), fullPage: true });
  const held = (await (await page.request.get(`/api/v1/parties/${tag}/production`)).json()) as { blocked: boolean; held: { reason: string } | null };
  expect(held).toMatchObject({ blocked: true, held: { reason: "QA failures under review" } });
  await gate.getByRole("button", { name: "Release the hold" }).click();
  await expect(gate.getByRole("button", { name: "Hold production" })).toBeVisible();
  noErrors();
});

test("the long-exclusions report lists resources left out of more than two parties; an owner's lists their teams' only", async ({ page }, testInfo) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/resources");
  await page.getByRole("link", { name: "Long exclusions" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Long exclusions" })).toBeVisible();
  const table = page.getByRole("table", { name: "Resources excluded through more than two parties" });
  await expect(table.getByRole("row").nth(1)).toBeVisible();
  const missed = Number(await table.getByRole("row").nth(1).getByRole("cell").nth(2).innerText());
  expect(missed).toBeGreaterThan(2);
  await page.screenshot({ path: testInfo.outputPath("long-exclusions.png"), fullPage: true });
  const teams = await table.locator("tbody tr td:nth-child(2)").allInnerTexts();
  expect(teams.some((t) => t !== "Payments" && t !== "Identity")).toBe(true);
  await signOut(page);

  // Issue 21: the owner of Payments and Identity reads their teams' servers only, and has nothing to narrow.
  await signIn(page, "owner@example.com");
  await page.goto("/resources/long-exclusions");
  await expect(page.getByRole("heading", { level: 1, name: "Long exclusions" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Only my teams" })).toHaveCount(0);
  const own = await page.locator("tbody tr td:nth-child(2)").allInnerTexts();
  expect(own.every((t) => t === "Payments" || t === "Identity")).toBe(true);
});

test("the compliance dashboard shows the latest quarter by team, as a chart and in figures", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "viewer@example.com");
  await page.goto("/compliance");
  await expect(page.getByTestId("compliance-totals")).toContainText(/Patched in the latest parties\s*[\d.]+ %/);
  await expect(
    page.getByRole("img", { name: /^Share of resources patched in the latest quarter, by team\. Analytics: production \d+ %, non-production \d+ %/ }),
  ).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("compliance.png"), fullPage: true });
  const api = (await (await page.request.get("/api/v1/compliance")).json()) as {
    quarters: { production: string; nonProduction: string };
    totals: { share: number };
    byTeam: { team: string }[];
  };
  expect(api.quarters.production).toMatch(/^\d{4}-Q[1-4]$/);
  expect(api.quarters.nonProduction).toMatch(/^\d{4}-Q[1-4]$/);
  expect(api.totals.share).toBeGreaterThan(0.5);
  // The demo's 12 teams, and any team another spec made (the axe sweep adds one): each team once
  // in the table (and its header row).
  const teams = new Set(api.byTeam.map((row) => row.team));
  for (const team of ["Analytics", "Billing", "Payments", "Web Frontend"]) expect(teams).toContain(team);
  expect(teams.size).toBeGreaterThanOrEqual(12);
  // A team is listed per environment it has resources in: the demo's teams in both.
  for (const team of ["Analytics", "Billing", "Payments", "Web Frontend"]) expect(api.byTeam.filter((row) => row.team === team)).toHaveLength(2);
  await expect(page.getByRole("table", { name: "Patched by team and environment" }).getByRole("row")).toHaveCount(teams.size + 1);
  noErrors();
});

test("an admin sets how party slots roll out; a bad value is refused by name", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  await page.goto("/admin/party-rule");
  const form = page.getByRole("form", { name: "Slot rollouts" });
  await form.getByLabel("Canary (% first)").fill("150");
  await form.getByRole("button", { name: "Save slot rollouts" }).click();
  await expect(form.getByText("The canary share is a whole number from 0 to 100.")).toBeVisible();
  await form.getByLabel("Canary (% first)").fill("5");
  await form.getByLabel("Halt after failures").fill("4");
  await form.getByRole("button", { name: "Save slot rollouts" }).click();
  await expect(form.getByText("Saved: slots that start from now on roll out this way.")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("party-rule.png"), fullPage: true });
  expect(await (await page.request.get("/api/v1/party-rule/rollouts")).json()).toMatchObject({ canaryPercent: 5, maxFailures: 4 });
  noErrors();
});

test("an approved change goes back to the approvers when its party moves, and its page says what moved", async ({ page, browser }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  // The last stored production party without a change (parties are stored two years ahead): no other test touches it.
  const parties = (await (await page.request.get("/api/v1/parties?from=2027-06-01&to=2028-09-30")).json()) as {
    tag: string;
    kind: string;
    status: string;
    localDate: string;
    change: { id: string } | null;
  }[];
  const target = parties.filter((p) => p.kind === "production" && p.status === "planned" && p.change === null).at(-1)!;
  const opened = await page.request.post("/api/v1/changes", { data: { partyTag: target.tag }, headers: fromThePortal(page) });
  expect(opened.status()).toBe(201);
  const { id } = (await opened.json()) as { id: string };
  expect((await page.request.post(`/api/v1/changes/${id}/submit`, { data: {}, headers: fromThePortal(page) })).status()).toBe(200);

  const approverContext = await browser.newContext();
  const approver = await approverContext.newPage();
  const approverErrors = failOnConsoleErrors(approver);
  await signIn(approver, "approver@example.com");
  await approver.goto(`/changes/${id}`);
  await approver.getByLabel("Comment for the record").fill("CAB: go");
  await approver.getByRole("button", { name: "Approve" }).click();
  await expect(approver.getByTestId("decision")).toContainText("by approver@example.com");
  await expect(approver.getByText("Window approved")).toBeVisible();
  await expect(approver.getByText("The same resources as when it was approved.")).toBeVisible();

  // The admin moves the party a week later on its page.
  const newDay = DateTime.fromISO(target.localDate).plus({ days: 7 }).toISODate()!;
  await page.goto(`/parties/${target.tag}/production`);
  await page.getByRole("button", { name: "Move this party…" }).click();
  const dialog = page.getByRole("dialog", { name: "Move the party" });
  await dialog.getByLabel("New day", { exact: true }).fill(newDay);
  await dialog.getByLabel("Why?").fill("Data-centre work");
  await dialog.getByRole("button", { name: "Move", exact: true }).click();
  await expect(page.getByText(`Moved to ${newDay}.`)).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("change-status")).toContainText("Its change request is waiting for approval.");

  // The approver sees what moved, and decides again.
  await approver.goto(`/changes/${id}`);
  await expect(approver.getByTestId("drift-note")).toContainText(
    new RegExp(`Its window moved from ${target.localDate} \\d\\d:\\d\\d UTC .* to ${newDay} \\d\\d:\\d\\d UTC`),
  );
  await expect(approver.getByTestId("drift-note")).toContainText("an approver must decide again");
  await expect(approver.getByRole("button", { name: "Approve" })).toBeVisible();
  await approver.screenshot({ path: testInfo.outputPath("change-drifted.png"), fullPage: true });
  await approver.setViewportSize({ width: 390, height: 844 });
  expect(await approver.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await approver.screenshot({ path: testInfo.outputPath("change-drifted-phone.png"), fullPage: true });
  const api = (await (await approver.request.get(`/api/v1/changes/${id}`)).json()) as { state: string; driftNote: string; scopeDrift: unknown[] };
  expect(api).toMatchObject({ state: "SUBMITTED", driftNote: expect.stringContaining(`to ${newDay}`) });
  expect(api.scopeDrift.length).toBeGreaterThan(0);
  approverErrors();
  await approverContext.close();
  noErrors();
});
