// Issue 21, point 1, in the browser: an admin adds an Ansible inventory typed in the page (read by
// Debian's ansible-inventory on the server), previews its mapping and a sync with a per-host error,
// applies it, finds the servers; a host removed from the inventory is retired (kept, marked) on the
// next sync. Then the API says the same.
import { expect, test, type Page } from "@playwright/test";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

/** Demo teams and services (prisma/seed.ts): payments owns payments-api, identity owns identity-api. */
const inventory = (p: string, withPay2: boolean) => `all:
  children:
    team_payments:
      vars:
        patch_environment: prod
        patch_service: payments-api
      hosts:
        ${p}-pay-1:
          ansible_host: 10.77.0.1
${withPay2 ? `        ${p}-pay-2:\n          ansible_host: 10.77.0.2\n          patch_environment: qa\n` : ""}    team_identity:
      hosts:
        ${p}-id-1:
          patch_environment: production
          patch_service: identity-api
    tag_linux:
      hosts:
        ${p}-pay-1:
    team_nosuchteam:
      hosts:
        ${p}-orphan:
          patch_environment: prod
          patch_service: payments-api
`;

/** One figure of the preview's counts ("to add", "to retire", "errors", …). */
const figure = (page: Page, label: string) =>
  page
    .getByTestId("sync-counts")
    .locator("div")
    .filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) })
    .locator("dd");

async function previewSync(page: Page) {
  await page.getByRole("button", { name: "Preview sync" }).click();
  await expect(page.getByText("Preview ready: check it below, then apply or discard it.")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Preview: what a sync would do" })).toBeVisible();
}

async function apply(page: Page) {
  await page.getByRole("button", { name: "Apply this preview" }).click();
  await expect(page.getByText("No preview waiting.")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("sync-history").getByRole("row").first()).toContainText("applied");
}

async function fitsThePhone(page: Page, path: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("an admin syncs servers from an Ansible inventory typed in the page, previews, applies, and a host that leaves is retired", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const noErrors = failOnConsoleErrors(page);
  const p = `e2e-inv-${Date.now().toString(36)}`;
  const name = `E2E inventory ${p}`;
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, "admin@example.com");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inventory", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Inventory sources" })).toBeVisible();
  const form = page.getByRole("form", { name: "Add an inventory source" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await expect(form.getByLabel("Ansible inventory (YAML, INI or a plugin's configuration)")).toBeChecked();
  await expect(form.getByLabel("File name")).toHaveValue("hosts.yml");
  // Bad input keeps what was typed and says why.
  await form.getByLabel("Inventory text").fill(inventory(p, true));
  await form.getByLabel("Sync every (minutes, optional)").fill("2");
  await form.getByRole("button", { name: "Add source" }).click();
  await expect(form.getByText("must be at least 5 minutes")).toBeVisible();
  await expect(form.getByLabel("Inventory text")).toHaveValue(inventory(p, true));
  await form.getByLabel("Sync every (minutes, optional)").fill("");
  await form.getByRole("button", { name: "Add source" }).click();
  await expect(page).toHaveURL(/\/admin\/inventory\/inv_[0-9a-f]+$/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const sourceUrl = page.url();
  const sourceId = sourceUrl.split("/").pop()!;

  // The mapping (the example a new source starts with), previewed on a few hosts.
  await page.getByRole("button", { name: "Preview mapping" }).click();
  const mapped = page.getByTestId("mapped-hosts");
  await expect(mapped.getByRole("row").filter({ hasText: `${p}-pay-1` })).toContainText("payments-api");
  await expect(mapped.getByRole("row").filter({ hasText: `${p}-pay-1` })).toContainText("10.77.0.1");
  await expect(mapped.getByRole("row").filter({ hasText: `${p}-pay-2` })).toContainText("non-production");
  await expect(page.getByTestId("host-errors")).toContainText(`${p}-orphan`);
  await expect(page.getByTestId("host-errors")).toContainText('no team "nosuchteam"');

  // A sync, previewed: three to add, one host that cannot be mapped; nothing written yet.
  await previewSync(page);
  await expect(figure(page, "to add")).toHaveText("3");
  await expect(figure(page, "to retire")).toHaveText("0");
  await expect(figure(page, "errors")).toHaveText("1");
  await expect(page.getByTestId("plan-add")).toContainText(`${p}-id-1`);
  // As a person reads it: the team's name, the environment's word.
  await expect(
    page
      .getByTestId("plan-add")
      .getByRole("listitem")
      .filter({ hasText: `${p}-pay-2` }),
  ).toContainText("team: Payments; environment: non-production; kind: vm; service: payments-api");
  await expect(page.getByTestId("host-errors").first()).toContainText(`${p}-orphan`);
  expect(((await (await page.request.get(`/api/v1/resources?q=${p}`)).json()) as { items: unknown[] }).items).toHaveLength(0);
  await page.screenshot({ path: testInfo.outputPath("inventory-source-preview.png"), fullPage: true });
  await fitsThePhone(page, testInfo.outputPath("inventory-source-preview-phone.png"));

  await apply(page);
  await page.goto(`/resources?q=${p}`);
  await expect(page.getByRole("link", { name: `${p}-pay-1`, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: `${p}-id-1`, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: `${p}-orphan` })).toHaveCount(0);

  // pay-2 leaves the inventory: the next sync retires it.
  await page.goto(sourceUrl);
  const settings = page.getByRole("form", { name: "Source settings" });
  await expect(settings.getByLabel("Inventory text")).toHaveValue(inventory(p, true));
  await settings.getByLabel("Inventory text").fill(inventory(p, false));
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expect(settings.getByText("Saved.")).toBeVisible();
  await previewSync(page);
  await expect(figure(page, "to retire")).toHaveText("1");
  await expect(figure(page, "to add")).toHaveText("0");
  await expect(page.getByTestId("plan-retire")).toContainText(`${p}-pay-2`);
  await apply(page);

  await page.goto(`/resources/${p}-pay-2`);
  await expect(page.getByText("Retired", { exact: true })).toBeVisible();
  await expect(page.getByText(/gone from its inventory source since/)).toBeVisible();
  // Out of the list, unless its filter asks for retired servers.
  await page.goto(`/resources?q=${p}`);
  await expect(page.getByRole("link", { name: `${p}-pay-1`, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: `${p}-pay-2`, exact: true })).toHaveCount(0);
  const filters = page.getByRole("search", { name: "Filter resources" });
  await filters.getByLabel("Retired", { exact: true }).selectOption("only");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/retired=only/);
  const retiredRow = page.getByRole("row").filter({ hasText: `${p}-pay-2` });
  await expect(retiredRow).toContainText("retired");
  await expect(page.getByRole("link", { name: `${p}-pay-1`, exact: true })).toHaveCount(0);

  // The list of sources, at both widths.
  await page.goto("/admin/inventory");
  const row = page.getByTestId("inventory-sources").getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("1 retired");
  await expect(row).toContainText("applied");
  await page.screenshot({ path: testInfo.outputPath("inventory-sources.png"), fullPage: true });
  await fitsThePhone(page, testInfo.outputPath("inventory-sources-phone.png"));

  // The API says the same, and syncs on demand: nothing changed since.
  const sources = (await (await page.request.get("/api/v1/inventory-sources")).json()) as {
    items: { id: string; servers: number; retiredServers: number; tokenSet: boolean }[];
  };
  expect(sources.items.find((s) => s.id === sourceId)).toMatchObject({ servers: 2, retiredServers: 1, tokenSet: false });
  const retired = (await (await page.request.get(`/api/v1/resources?q=${p}&retired=only`)).json()) as { items: { name: string; retiredAt: string | null }[] };
  expect(retired.items.map((r) => r.name)).toEqual([`${p}-pay-2`]);
  expect(retired.items[0]!.retiredAt).not.toBeNull();
  const again = await page.request.post(`/api/v1/inventory-sources/${sourceId}/syncs`, { data: {}, headers: fromThePortal(page) });
  expect(again.status()).toBe(201);
  expect(await again.json()).toMatchObject({ state: "applied", nothingChanged: true, added: 0, retired: 0, hostErrors: [{ host: `${p}-orphan` }] });

  // Deleting the source, confirmed: its servers stay, no longer synced.
  await page.goto(sourceUrl);
  await page.getByRole("button", { name: "Delete source" }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${name}?` });
  await expect(dialog).toContainText("3 server(s) stay");
  await dialog.getByRole("button", { name: "Delete source" }).click();
  await expect(page).toHaveURL(/\/admin\/inventory$/);
  await expect(page.getByTestId("inventory-sources").getByRole("row").filter({ hasText: name })).toHaveCount(0);
  await page.goto(`/resources/${p}-pay-1`);
  await expect(page.getByRole("heading", { level: 1, name: `${p}-pay-1` })).toBeVisible();
  noErrors();
});

test("a team owner cannot reach inventory sources", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inventory", exact: true })).toHaveCount(0);
  await page.goto("/admin/inventory");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  expect((await page.request.get("/api/v1/inventory-sources")).status()).toBe(403);
});
