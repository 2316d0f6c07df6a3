import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

type Item = { name: string; pendingUpdates: number; securityUpdates: number; rebootPending: boolean };

test("the resource list narrows to servers waiting for a reboot, and a server's page shows its pending updates", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "viewer@example.com");
  // The demo scanned a few dozen servers (source "demo"); some wait for a reboot.
  const waiting = ((await (await page.request.get("/api/v1/resources?reboot=1&limit=200")).json()) as { items: Item[] }).items;
  expect(waiting.length).toBeGreaterThan(0);
  expect(waiting.every((r) => r.rebootPending)).toBe(true);

  await page.goto("/resources");
  const count = page.getByTestId("match-count");
  const everything = await count.innerText();
  await page.getByLabel("Reboot pending").check();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/reboot=1/);
  await expect(count).toHaveText(`${waiting.length} ${waiting.length === 1 ? "resource matches" : "resources match"}`);
  expect(await count.innerText()).not.toBe(everything);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(waiting.length);
  for (const row of await rows.all()) await expect(row.getByText("reboot pending")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("list-reboot.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("list-reboot-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A server with security updates pending: its page lists them, security first, with their ids.
  const secure = ((await (await page.request.get("/api/v1/resources?security=1&limit=1")).json()) as { items: Item[] }).items[0];
  expect(secure, "a demo server with security updates").toBeDefined();
  const api = (await (await page.request.get(`/api/v1/resources/${encodeURIComponent(secure!.name)}/updates`)).json()) as {
    scan: { source: string; packageManager: string };
    updates: { package: string; security: boolean; advisories: string[] }[];
  };
  expect(api.scan.source).toBe("demo");
  expect(api.updates.length).toBe(secure!.pendingUpdates);
  await page.goto(`/resources/${encodeURIComponent(secure!.name)}`);
  const card = page.getByTestId("updates-card");
  await expect(card.getByRole("heading", { name: "Updates" })).toBeVisible();
  await expect(card).toContainText(`${api.updates.length} pending, ${secure!.securityUpdates} of them security updates`);
  await expect(card).toContainText("by demo");
  await expect(card).toContainText(api.scan.packageManager);
  const listed = card.getByTestId("pending-updates").locator("tbody tr");
  await expect(listed).toHaveCount(api.updates.length);
  await expect(listed.first()).toContainText(api.updates[0]!.package);
  const firstId = api.updates.find((u) => u.advisories.length > 0)?.advisories[0];
  if (firstId) await expect(card).toContainText(firstId);
  await page.screenshot({ path: testInfo.outputPath("resource-updates.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // On a phone the table becomes a list of blocks and nothing is wider than the screen.
  await expect(card.getByRole("columnheader", { name: "Package" })).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: testInfo.outputPath("resource-updates-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A server waiting for a reboot says so.
  await page.goto(`/resources/${encodeURIComponent(waiting[0]!.name)}`);
  await expect(page.getByTestId("updates-card").getByText("Reboot pending")).toBeVisible();
  noErrors();
});
