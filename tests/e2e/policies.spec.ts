import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

test("an admin creates a policy with a custom schedule, previews its next ten windows, and saves it", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  await page.goto("/policies");
  await page.getByRole("link", { name: "New policy" }).click();
  const name = `EMEA clusters ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Tags (comma-separated)").fill("kubernetes, emea");
  await page.getByLabel("When").selectOption("custom");
  await page.getByLabel("Minutes (00–59)").fill("30");
  await page.getByLabel("Hours (00–23, UTC)").fill("2");
  await page.getByLabel("Days of the week (0 = Sunday)").fill("6");
  await page.getByLabel("Window (hours, 1–24)").fill("3");
  await page.getByRole("button", { name: "Preview the next ten windows" }).click();
  const preview = page.getByTestId("window-preview");
  await expect(preview.getByRole("row")).toHaveCount(10);
  await expect(preview.getByRole("row").first()).toContainText("Sat");
  await expect(preview.getByRole("row").first()).toContainText("02:30");
  await page.screenshot({ path: testInfo.outputPath("policy-editor.png"), fullPage: true });

  await page.getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByTestId("policy-windows").getByRole("row")).toHaveCount(10);

  // Its windows are on the calendar, in their own colour, linked to the policy.
  const policyUrl = page.url();
  await page.goto("/calendar?date=2026-12");
  await expect(page.getByRole("link", { name: `Upgrade window of ${name} (Weekly), 02:30–05:30` }).first()).toBeVisible();
  await page
    .getByRole("link", { name: `Upgrade window of ${name} (Weekly), 02:30–05:30` })
    .first()
    .click();
  await expect(page).toHaveURL(policyUrl);

  // A window longer than a day is refused with a message, and nothing changes.
  await page.getByLabel("Window (hours, 1–24)").fill("30");
  await page.getByRole("button", { name: "Save changes" }).click();
  // At the schedule's field, not as a path in a banner (issue 18).
  const schedule = page.getByRole("group", { name: "Schedule 1" });
  await expect(schedule.getByText("The window is at most 24 hours.")).toBeVisible();
  await expect(schedule.getByLabel("Window (hours, 1–24)")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/schedules ›/)).toHaveCount(0);
  await expect(page.getByTestId("policy-windows").getByRole("row")).toHaveCount(10);

  await page.getByRole("button", { name: "Delete this policy" }).click();
  await expect(page).toHaveURL(/\/policies$/);
  await expect(page.getByRole("link", { name })).toHaveCount(0);
  noErrors();
});

test("a viewer reads policies but cannot create one", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/policies");
  await expect(page.getByRole("link", { name: "New policy" })).toHaveCount(0);
  await page.goto("/policies/new");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
