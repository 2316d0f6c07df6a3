// The small defects of issue 18 that live in the pages: each test failed before its fix.
import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

test('"Upgrade now" refused behind its open dialog says why inside the dialog', async ({ page }) => {
  await signIn(page, "admin@example.com");
  // The demo's Kubernetes upgrade waits for its change request to be approved: "Upgrade now" is refused.
  const templates = (await (await page.request.get("/api/v1/templates")).json()) as { id: string; name: string; targetVersion: string }[];
  const kubernetes = templates.find((t) => t.name === "Kubernetes clusters")!;
  await page.goto(`/templates/${kubernetes.id}`);
  await page.getByRole("button", { name: "Upgrade now" }).click();
  const dialog = page.getByRole("dialog", { name: "Upgrade now?" });
  await dialog.getByRole("button", { name: `Upgrade to ${kubernetes.targetVersion} now` }).click();
  await expect(dialog.getByText(`The upgrade to ${kubernetes.targetVersion} has no approved change request`)).toBeVisible();
});

test("the agenda lists every upgrade window of its six months, as its header says", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "viewer@example.com");
  await page.goto("/calendar?view=agenda&date=2027-01");
  const header = await page.getByText(/^All [\d,]+ windows in these six months/).innerText();
  const promised = Number(/^All ([\d,]+) windows/.exec(header)![1]!.replace(/,/g, ""));
  expect(promised).toBeGreaterThan(50);
  const rows = page.getByTestId("agenda-windows").getByRole("row");
  await expect(rows).toHaveCount(promised);
  // Up to the sixth month (January to June 2027).
  await expect(rows.last()).toContainText("Jun 2027");
  noErrors();
});

test("the audit's action filter has its options before JavaScript loads", async ({ browser, page }) => {
  await signIn(page, "approver@example.com");
  const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await noScript.newPage();
  await plain.goto("/audit?action=resource.exclude");
  const action = plain.getByLabel("Action");
  await expect(action).toHaveValue("resource.exclude");
  expect(await action.locator("option").count()).toBeGreaterThan(40);
  await expect(action.locator('option[value="template.member-upgraded"]')).toHaveCount(1);
  await noScript.close();
});

test("a 10,000-character reason is not cut: the field counts it and the server refuses it at the field", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "owner@example.com");
  const list = (await (await page.request.get("/api/v1/resources?q=prd-payments&limit=200")).json()) as {
    items: { name: string; excluded: boolean; cluster: string | null }[];
  };
  const target = list.items.filter((r) => !r.excluded && r.cluster === null).at(-2)!;
  await page.goto(`/resources/${encodeURIComponent(target.name)}`);
  await page.getByRole("button", { name: "Exclude from the Patch Party" }).click();
  const dialog = page.getByRole("dialog", { name: "Exclude from the Patch Party" });
  const reason = dialog.getByLabel("Why is it excluded?");
  await reason.fill("x".repeat(10_000));
  expect(await reason.inputValue()).toHaveLength(10_000);
  await expect(dialog.getByText("10,000 of 500 characters: 9,500 too many.")).toBeVisible();
  await dialog.getByRole("button", { name: "Exclude", exact: true }).click();
  await expect(dialog.getByText("The reason must be at most 500 characters.")).toBeVisible();
  await expect(reason).toHaveAttribute("aria-invalid", "true");
  const after = (await (await page.request.get(`/api/v1/resources/${encodeURIComponent(target.name)}`)).json()) as { patchStatus: { exclusion: unknown } };
  expect(after.patchStatus.exclusion).toBeNull();
  noErrors();
});

test("a policy's window hours out of range are refused at the schedule's field, not as a path in a banner", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  await page.goto("/policies/new");
  await page.getByLabel("Name", { exact: true }).fill("Window hours check");
  const schedule = page.getByRole("group", { name: "Schedule 1" });
  await schedule.getByLabel("Window (hours, 1–24)").fill("30");
  await page.getByRole("button", { name: "Preview the next ten windows" }).click();
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(page.getByText(/schedules ›/)).toHaveCount(0);
  await expect(schedule.getByLabel("Window (hours, 1–24)")).toHaveAttribute("aria-invalid", "true");
  await expect(schedule.getByText("The window is at most 24 hours.")).toBeVisible();
  noErrors();
});

test('the party rule\'s "Check the highlighted fields" highlights them', async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  await page.goto("/admin/party-rule");
  await page.getByLabel("First Sunday at least this many days after QA").fill("0");
  await page.getByLabel("Business hours from").fill("");
  await page.getByRole("button", { name: "Preview the next eight" }).click();
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(page.getByLabel("First Sunday at least this many days after QA")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("must be at least 1 day")).toBeVisible();
  await expect(page.getByLabel("Business hours from")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("must be a time of day such as 09:00")).toBeVisible();
  noErrors();
});
