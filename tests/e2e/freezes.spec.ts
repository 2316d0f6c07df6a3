import { expect, test } from "@playwright/test";
import { DateTime } from "luxon";
import { failOnConsoleErrors, signIn } from "./helpers";

test("an admin adds a freeze over a production party; its page flags it and moves it out in one step", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  // A production party no other test touches: planned, without a change request, the last such one.
  const parties = (await (await page.request.get("/api/v1/parties?from=2027-06-01&to=2029-12-31")).json()) as {
    tag: string;
    kind: string;
    status: string;
    localDate: string;
    change: unknown;
  }[];
  const target = parties.filter((p) => p.kind === "production" && p.status === "planned" && p.change === null).at(-1)!;
  const day = DateTime.fromISO(target.localDate);
  const name = `Freeze ${target.tag}`;

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Freezes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Freeze periods" })).toBeVisible();
  // Refused without a reason, with the message at the field.
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Starts").fill(`${day.minus({ days: 1 }).toISODate()}T12:00`);
  await page.getByLabel("Ends").fill(`${day.plus({ days: 1 }).toISODate()}T00:00`);
  await page.getByRole("button", { name: "Add the freeze" }).click();
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await page.getByLabel("Why?").fill("Data-centre migration");
  await page.getByRole("button", { name: "Add the freeze" }).click();
  await expect(page.getByText(`Freeze "${name}" saved`)).toBeVisible();
  await expect(page.getByTestId("freezes").getByRole("row").filter({ hasText: name })).toContainText("Data-centre migration");
  await page.screenshot({ path: testInfo.outputPath("freezes.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("freezes-phone.png"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The calendar marks the day and the party.
  await page.goto(`/calendar?view=month&date=${day.toFormat("yyyy-MM")}`);
  await expect(page.locator(`td[data-date="${target.localDate}"]`).getByTestId("freeze-day")).toBeVisible();
  await expect(page.getByTestId("calendar-freezes")).toContainText(name);
  const api = (await (await page.request.get(`/api/v1/parties/${target.tag}/production`)).json()) as { conflicts: { kind: string; name: string }[] };
  expect(api.conflicts).toEqual([expect.objectContaining({ kind: "freeze", name })]);
  // On a phone the calendar, its legend and its freezes fit the width.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The party page flags it; one step moves it to the first clear day.
  await page.goto(`/parties/${target.tag}/production`);
  await expect(page.getByTestId("freeze-conflict")).toContainText(`Inside a freeze: "${name}"`);
  await page.screenshot({ path: testInfo.outputPath("party-frozen.png"), fullPage: true });
  await page.getByRole("button", { name: /out of the freeze$/ }).click();
  // The page draws the party on its new day: out of the freeze, placed by hand with the reason.
  await expect(page.getByTestId("freeze-conflict")).toHaveCount(0);
  await expect(page.getByText(`An admin placed this party by hand: the rule no longer moves it. Why: Moved out of the freeze "${name}"`)).toBeVisible();
  const moved = (await (await page.request.get(`/api/v1/parties/${target.tag}/production`)).json()) as { localDate: string; conflicts: unknown[] };
  expect(moved.localDate > target.localDate).toBe(true);
  expect(moved.conflicts).toEqual([]);

  await page.goto("/freezes");
  await page.getByRole("button", { name: `Remove the freeze ${name}` }).click();
  await expect(page.getByTestId("freezes").getByRole("row").filter({ hasText: name })).toHaveCount(0);
  noErrors();
});
