import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

type Setup = { partyId: string; tag: string; teamId: string; startsAt: string };
const MINUTE = 60_000;

/** Runs the party engine of the e2e database (tests/e2e/scripts/party-slot.ts) and returns what it printed. */
function slot<T>(...args: string[]): T {
  const out = execFileSync("node_modules/.bin/tsx", ["tests/e2e/scripts/party-slot.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, PATCHPARTY_DB_PORT: "54401" },
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

test("a party slot rolls out canary first, halts past the threshold, and an admin resumes it from the party page", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  // The defaults, whatever an earlier test saved: canary 10 %, halt above 10 % failed, 25 at once.
  const put = await page.request.put("/api/v1/party-rule/rollouts", {
    data: { concurrency: 25, concurrencyPercent: null, canaryPercent: 10, maxFailures: null, maxFailurePercent: 10 },
    headers: fromThePortal(page),
  });
  expect(put.status()).toBe(200);

  const party = slot<Setup>("setup");
  const start = new Date(party.startsAt).getTime();
  await page.goto(`/parties/${party.tag}/qa`);
  await expect(page.getByTestId("party-slot-1")).not.toHaveText("0");

  // Minute 0: the canary (10 % of 20) starts; the executor fails every upgrade.
  const first = slot<{ state: string; started: number }[]>("tick", party.partyId, party.teamId, party.startsAt, "0", "1");
  expect(first).toEqual([expect.objectContaining({ state: "RUNNING", started: 2 })]);
  await page.reload();
  const rollout = page.getByTestId("slot-rollout-1");
  await expect(rollout).toContainText("Patching");
  await expect(rollout).toContainText("0 patched · 0 failed · 2 in flight · canary of 2");

  // Minute 1: both canary upgrades failed: 100 % is more than the 10 % allowed, so the slot halts.
  slot("tick", party.partyId, party.teamId, new Date(start + MINUTE).toISOString(), "3", "1");
  await page.reload();
  await expect(rollout).toContainText("Halted");
  await expect(rollout).toContainText("0 patched · 2 failed · canary of 2");
  await expect(rollout).toContainText("100.0 % of the upgrades failed (2 of 2), more than the 10 % allowed.");
  await page.screenshot({ path: testInfo.outputPath("party-slot-halted.png"), fullPage: true });
  // Halted means halted: ticks start nothing more.
  expect(
    slot<{ started: number }[]>("tick", party.partyId, party.teamId, new Date(start + 5 * MINUTE).toISOString(), "2", "0").every((t) => t.started === 0),
  ).toBe(true);

  await rollout.getByRole("button", { name: "Resume" }).click();
  await expect(rollout).toContainText("Patching");
  await expect(rollout.getByRole("button", { name: "Resume" })).toHaveCount(0);

  // Resumed with a healthy executor: the other 18 go (25 at once), and the slot closes.
  slot("tick", party.partyId, party.teamId, new Date(start + 10 * MINUTE).toISOString(), "3", "0");
  await page.reload();
  await expect(rollout).toContainText("Fell short");
  await expect(rollout).toContainText("18 patched · 2 failed · canary of 2 passed");
  await expect(page.getByRole("heading", { name: "Outcome so far" })).toBeVisible();
  await expect(page.getByTestId("party-outcomes")).toContainText("Patched18");
  await expect(page.getByTestId("party-outcomes")).toContainText("Failed2");
  await page.screenshot({ path: testInfo.outputPath("party-slot-done.png"), fullPage: true });

  // The audit has the halt, with its reason, and the admin's resume.
  await page.goto("/audit?action=party.slot-halted");
  await expect(
    page
      .getByTestId("audit-rows")
      .getByRole("row")
      .filter({ hasText: `${party.tag} QA group 1` }),
  ).toContainText("100.0 % of the upgrades failed");
  await page.goto("/audit?action=party.slot-resumed&actor=admin@example.com");
  await expect(
    page
      .getByTestId("audit-rows")
      .getByRole("row")
      .filter({ hasText: `${party.tag} QA group 1` }),
  ).toContainText("admin@example.com");
  noErrors();
});
