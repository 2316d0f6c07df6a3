import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

const BANNER = "Demo data: outcomes on these pages come from the simulated executor, not from real servers.";

test("an admin sees which executor runs the upgrades, why, and what each one needs; the demo data is flagged on every page", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, "admin@example.com");
  await expect(page.getByRole("status").filter({ hasText: BANNER })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Execution" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Execution" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: BANNER })).toBeVisible();
  await expect(page.getByTestId("active-executor")).toContainText("Simulated (demo and tests only)");
  await expect(page.getByText("The database holds the demo data.", { exact: true })).toBeVisible();
  // The e2e server configures no real executor: each says what it lacks, or what it uses by default.
  await expect(page.getByRole("list", { name: "ssh settings" })).toContainText("PATCHPARTY_SSH_KEY_FILE is not set");
  await expect(page.getByRole("list", { name: "webhook settings" })).toContainText("PATCHPARTY_WEBHOOK_URL is not set");
  await expect(page.getByRole("list", { name: "ansible settings" })).toContainText(
    /ansible\/patch\.yml \(the default: PATCHPARTY_ANSIBLE_PLAYBOOK is not set\)/,
  );
  await expect(page.getByTestId("slot-executor")).toContainText("the default (simulated)");
  await page.screenshot({ path: testInfo.outputPath("execution-1280.png"), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("active-executor")).toBeVisible();
  // Nothing wider than the phone's screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: testInfo.outputPath("execution-390.png"), fullPage: true });
  noErrors();
});

test("a viewer sees the demo banner but not the execution page", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await expect(page.getByRole("status").filter({ hasText: BANNER })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Execution" })).toHaveCount(0);
  await page.goto("/admin/execution");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByTestId("active-executor")).toHaveCount(0);
});
