import { expect, test } from "@playwright/test";
import { expectNotFound, failOnConsoleErrors, signIn, signOut } from "./helpers";

test("every section of the navigation opens", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  // Notices (customers' e-mail addresses) and the audit log are not a viewer's (decision 017).
  await signIn(page, "viewer@example.com");
  await expect(nav.getByRole("link", { name: "Calendar" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Notices" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit" })).toHaveCount(0);
  await signOut(page);
  await signIn(page, "approver@example.com");
  for (const [link, heading] of [
    ["Calendar", "Patch calendar"],
    ["Resources", "Resources"],
    ["Policies", "Maintenance policies"],
    ["Templates", "Fleet templates"],
    ["Changes", "Change requests"],
    ["Freezes", "Freeze periods"],
    ["Notices", "Customer notices"],
    ["Compliance", "Compliance"],
    ["Audit", "Audit"],
  ] as const) {
    await nav.getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole("link", { name: link })).toHaveAttribute("aria-current", "page");
    await page.screenshot({ path: testInfo.outputPath(`${link.toLowerCase()}.png`), fullPage: true });
  }
  noErrors();
});

test("the resource list pages through the fleet and searches by name", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/resources");
  const firstName = await page.getByRole("row").nth(1).getByRole("cell").first().innerText();
  const firstCell = page.getByRole("row").nth(1).getByRole("cell").first();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/cursor=/);
  // The URL changes before the new rows are drawn: wait for them, then compare.
  await expect(firstCell).not.toHaveText(firstName);
  const secondPageFirst = await firstCell.innerText();
  expect(secondPageFirst > firstName).toBe(true);
  await page.getByLabel("Name or tag").fill("prd-payments");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/q=prd-payments/);
  await expect(firstCell).toContainText("prd-payments");
  const names = await page.getByRole("row").locator("td:first-child").allInnerTexts();
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => n.startsWith("prd-payments"))).toBe(true);
});

test("the audit's action filter: the server sends every action with the chosen one, and filtering works", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  // The audit log is the approvers' and admins' (decision 017): a viewer finds no such page.
  await signIn(page, "viewer@example.com");
  await expectNotFound(page, "/audit");
  await signOut(page);
  await signIn(page, "approver@example.com");
  // The audit's action filter has some fifty options, a fixed list: the server draws them all, so
  // it works before JavaScript loads (issue 18).
  const html = await (await page.request.get("/audit?action=resource.exclude")).text();
  const select = /<select[^>]*id="audit-action"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? "";
  expect(select.match(/<option/g)!.length).toBeGreaterThan(20);
  expect(select).toContain('value="resource.exclude"');

  await page.goto("/audit?action=resource.exclude");
  const action = page.getByLabel("Action");
  await expect(action).toHaveValue("resource.exclude");
  // Drawn as the page hydrates: wait for it (count() alone reads the moment before).
  await expect.poll(() => action.locator("option").count()).toBeGreaterThan(20);
  await expect(action).toHaveValue("resource.exclude"); // still chosen once all are drawn
  await action.selectOption("resource.include");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page).toHaveURL(/action=resource\.include/);
  await expect(page.getByLabel("Action")).toHaveValue("resource.include");
  noErrors();
});
