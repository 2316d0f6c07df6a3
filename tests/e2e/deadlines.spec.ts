// Issue 20, point 3: an admin sets the update deadlines on the compliance page; the page and the
// API say them. A viewer sees the servers past their deadline but no form.
import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

test("an admin sets a deadline on the compliance page and sees it saved", async ({ page, browser }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  await page.goto("/compliance");
  const form = page.getByRole("form", { name: "Update deadlines" });
  const critical = form.getByLabel("Critical (days)");
  const before = await critical.inputValue();

  // Refused with the reason at the field; nothing saved.
  await critical.fill("0");
  await form.getByRole("button", { name: "Save deadlines" }).click();
  await expect(form.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(critical).toHaveAccessibleDescription("must be a whole number of days from 1 to 365; leave it empty (null) for no deadline.");

  await critical.fill("9");
  await form.getByRole("button", { name: "Save deadlines" }).click();
  await expect(form.getByText("Saved: the compliance figures use these deadlines from now on.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Past their update deadline" })).toContainText("Critical 9 days");
  expect(((await (await page.request.get("/api/v1/compliance/deadlines")).json()) as { criticalDays: number | null }).criticalDays).toBe(9);
  await page.reload();
  await expect(page.getByRole("form", { name: "Update deadlines" }).getByLabel("Critical (days)")).toHaveValue("9");
  await page.screenshot({ path: testInfo.outputPath("compliance-deadlines.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("compliance-deadlines-phone.png"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });

  // A viewer reads the deadlines but has no form.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, "viewer@example.com");
  await viewer.goto("/compliance");
  await expect(viewer.getByRole("region", { name: "Past their update deadline" })).toContainText("Critical 9 days");
  await expect(viewer.getByRole("form", { name: "Update deadlines" })).toHaveCount(0);
  await viewerContext.close();

  // Back as it was, for the other specs.
  const restore = page.getByRole("form", { name: "Update deadlines" });
  await restore.getByLabel("Critical (days)").fill(before);
  await restore.getByRole("button", { name: "Save deadlines" }).click();
  await expect(restore.getByText("Saved: the compliance figures use these deadlines from now on.")).toBeVisible();
  noErrors();
});
