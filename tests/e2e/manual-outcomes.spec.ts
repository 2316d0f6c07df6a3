import { execFileSync } from "node:child_process";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

type Setup = { partyId: string; tag: string; teamId: string; startsAt: string; members: string[]; reported: string };
const MINUTE = 60_000;

/** Runs tests/e2e/scripts/manual-slot.ts against the e2e database and returns what it printed. */
function script<T>(...args: string[]): T {
  const out = execFileSync("node_modules/.bin/tsx", ["tests/e2e/scripts/manual-slot.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, PATCHPARTY_DB_PORT: "54401" },
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

/** The page at a desktop's and a phone's width, whole. */
async function shots(page: Page, testInfo: TestInfo, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: testInfo.outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("an admin records one member of a manual party slot patched and another failed; the rollout counts them", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  // Every member at once, no canary: the slot's members all wait for a person from the start.
  expect(
    (
      await page.request.put("/api/v1/party-rule/rollouts", {
        data: { concurrency: 25, concurrencyPercent: null, canaryPercent: 0, maxFailures: null, maxFailurePercent: 10 },
        headers: fromThePortal(page),
      })
    ).status(),
  ).toBe(200);
  const party = script<Setup>("setup");
  const [first, second] = party.members;
  const start = new Date(party.startsAt).getTime();

  await page.goto(`/parties/${party.tag}/qa`);
  const panel = page.getByTestId("slot-executions");
  await expect(panel.getByRole("heading", { name: "What the rollout did, per member" })).toBeVisible();
  const counts = panel.getByTestId("slot-executions-counts");
  await expect(counts.getByRole("link", { name: /^All 12/ })).toBeVisible();
  await expect(counts.getByRole("link", { name: /^Waiting 11/ })).toBeVisible();
  await expect(counts.getByRole("link", { name: /^Patched 1/ })).toBeVisible();
  const rows = panel.getByTestId("slot-executions-rows");
  const row = (name: string) => rows.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(row(party.reported).getByRole("list", { name: "Packages changed" })).toContainText(/openssl 3\.0\.14-1~deb12u2 →\s*to 3\.0\.15-1~deb12u1/);
  await expect(row(party.reported)).toContainText("Reported by automation@example.com");
  await expect(row(party.reported).getByRole("checkbox")).toHaveCount(0);
  await shots(page, testInfo, "party-manual-waiting");

  // One member, by keyboard: patched.
  const box = row(first!).getByRole("checkbox", { name: `Select ${first}` });
  await box.focus();
  await page.keyboard.press("Space");
  await expect(box).toBeChecked();
  await expect(panel).toContainText("1 of 11 waiting on this page selected");
  await panel.getByRole("button", { name: "Mark patched…" }).click();
  const dialog = page.getByRole("dialog", { name: "Record as patched" });
  await expect(dialog).toContainText(`1 member patched`);
  await dialog.getByRole("button", { name: "Record patched" }).click();
  await expect(panel.getByRole("status").filter({ hasText: "Recorded: 1 patched." })).toBeVisible();
  await expect(row(first!)).toContainText("Patched");
  await expect(row(first!)).toContainText("Reported by admin@example.com");

  // Another: failed, which needs a reason.
  await row(second!).getByRole("checkbox").check();
  await panel.getByRole("button", { name: "Mark failed…" }).click();
  const failed = page.getByRole("dialog", { name: "Record as failed" });
  await failed.getByRole("button", { name: "Record failed" }).click();
  await expect(failed.getByText("Say why it failed: the reason is kept with the outcome.")).toBeVisible();
  await expect(row(second!)).toContainText("Waiting");
  await page.screenshot({ path: testInfo.outputPath("dialog-failed-1280.png") });
  await failed.getByLabel("Why it failed (required)").fill("Kernel panic after the upgrade; rolled back from the console");
  await failed.getByRole("button", { name: "Record failed" }).click();
  await expect(panel.getByRole("status").filter({ hasText: "Recorded: 1 failed." })).toBeVisible();
  await expect(row(second!)).toContainText("Failed");
  await expect(row(second!)).toContainText("Kernel panic after the upgrade");

  // The rollout takes them in on its next step: patch outcomes, and the failure threshold acts on a real failure.
  const ticked = script<{ state: string; patched: number; failed: number }[]>("tick", party.partyId, party.teamId, new Date(start + MINUTE).toISOString());
  expect(ticked).toEqual([expect.objectContaining({ patched: 2, failed: 1 })]);
  await page.reload();
  await expect(page.getByTestId("slot-rollout-1")).toContainText("2 patched · 1 failed");
  await expect(page.getByTestId("party-outcomes")).toContainText("Patched2");
  await expect(page.getByTestId("party-outcomes")).toContainText("Failed1");

  // Filtered by state, bounded, linked to each member's page.
  await counts.getByRole("link", { name: /^Failed 1/ }).click();
  await expect(page).toHaveURL(/state=failed/);
  await expect(rows.getByRole("row")).toHaveCount(1);
  await rows.getByRole("link", { name: second, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: second })).toBeVisible();
  await expect(page.getByTestId("execution-facts")).toContainText("Kernel panic after the upgrade; rolled back from the console");
  await expect(page.getByTestId("execution-facts")).toContainText("admin@example.com");
  await expect(page.getByRole("heading", { name: "Record the outcome" })).toHaveCount(0);
  await shots(page, testInfo, "execution-failed");

  // The automation's report, whole: packages, reboot, health check, output.
  await page.goto(`/parties/${party.tag}/qa?slot=1&state=succeeded#executions`);
  await rows.getByRole("link", { name: party.reported, exact: true }).click();
  await expect(page.getByText("*** System restart required ***")).toBeVisible();
  await expect(page.getByTestId("execution-facts")).toContainText("rebooted");
  await expect(page.getByTestId("execution-facts")).toContainText("health check passed");
  await shots(page, testInfo, "execution-patched");

  // A member still waiting can be recorded from its own page too.
  await page.goto(`/parties/${party.tag}/qa?slot=1&state=queued#executions`);
  await shots(page, testInfo, "party-manual-after");
  await rows.getByRole("link", { name: party.members[2]!, exact: true }).click();
  await expect(page.getByRole("heading", { name: "Record the outcome" })).toBeVisible();
  await shots(page, testInfo, "execution-waiting");

  // The resource's page shows its recent executions.
  await page.goto(`/resources/${encodeURIComponent(second!)}`);
  await expect(page.getByTestId("resource-executions")).toContainText("Kernel panic after the upgrade");
  await shots(page, testInfo, "resource-executions");

  // A template whose run the manual executor started: its current run per member, and its execution settings.
  const { templateId } = script<{ templateId: string }>("template", party.teamId);
  await page.goto(`/templates/${templateId}`);
  const run = page.getByTestId("run-executions");
  await expect(run.getByRole("heading", { name: "The current run, per member" })).toBeVisible();
  await expect(run.getByTestId("run-executions-counts").getByRole("link", { name: /^Failed 1/ })).toBeVisible();
  await expect(run).toContainText("dpkg is locked by unattended-upgrades");
  await expect(page.getByTestId("template-execution").getByLabel("Executor")).toBeVisible();
  await shots(page, testInfo, "template-manual");

  await page.request.put("/api/v1/party-rule/rollouts", {
    data: { concurrency: 25, concurrencyPercent: null, canaryPercent: 10, maxFailures: null, maxFailurePercent: 10 },
    headers: fromThePortal(page),
  });
  noErrors();
});
