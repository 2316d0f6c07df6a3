// Issue 21, point 1, in the browser: an admin adds an Ansible inventory typed in the page (read by
// Debian's ansible-inventory on the server), previews its mapping and a sync with a per-host error,
// applies it, finds the servers; a host removed from the inventory is retired (kept, marked) on the
// next sync. Then the API says the same. The same for a NetBox source: NetBox's REST API is played
// by the server of tests/fixtures/netbox.ts, started in this process on 127.0.0.1, where the portal
// (on the same machine) reads it.
import { expect, test, type Page } from "@playwright/test";
import { netboxDevice, netboxVirtualMachine, startNetBox } from "../fixtures/netbox";
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

test("an admin adds a NetBox source with its token, edits and previews its mapping, applies a sync, and a device deleted in NetBox is retired", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const noErrors = failOnConsoleErrors(page);
  const p = `e2e-nb-${Date.now().toString(36)}`;
  const name = `E2E NetBox ${p}`;
  // A NetBox (v1) token: 40 hex characters.
  const TOKEN = "0e2e0e2e0123456789abcdef0123456789abcdef";
  const netbox = await startNetBox({ token: TOKEN });
  try {
    // Demo teams by their slugs, demo services (prisma/seed.ts); the environment and the service are custom fields.
    const payments = { id: 11, name: "Payments", slug: "payments" };
    const identity = { id: 12, name: "Identity", slug: "identity" };
    const web = { id: 1, name: "Web", slug: "web" };
    const devices = [
      netboxDevice(netbox.url, 101, `${p}-pay-1`, {
        tenant: payments,
        role: web,
        address: "10.78.0.1/24",
        tags: [{ name: "Linux", slug: "linux" }],
        customFields: { env: "prod", service: "payments-api" },
      }),
      netboxDevice(netbox.url, 102, `${p}-pay-2`, {
        tenant: payments,
        role: web,
        address: "10.78.0.2/24",
        customFields: { env: "qa", service: "payments-api" },
      }),
      netboxDevice(netbox.url, 103, `${p}-id-1`, { tenant: identity, role: web, customFields: { env: "prod", service: "identity-api" } }),
      netboxDevice(netbox.url, 104, `${p}-orphan`, { tenant: null, role: web, customFields: { env: "prod", service: "payments-api" } }),
    ];
    netbox.setDevices(devices);
    netbox.setVirtualMachines([
      netboxVirtualMachine(netbox.url, 201, `${p}-id-vm`, {
        status: "staged",
        tenant: identity,
        cluster: { name: `${p}-cluster` },
        customFields: { env: "qa", service: "identity-api", patch_kind: "vm" },
      }),
    ]);

    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, "admin@example.com");
    await page.goto("/admin/inventory");
    const form = page.getByRole("form", { name: "Add an inventory source" });
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("NetBox REST API").check();
    await form.getByLabel("NetBox URL").fill(netbox.url);
    await form.getByLabel("API token", { exact: true }).fill(TOKEN);
    await form.getByRole("button", { name: "Add source" }).click();
    await expect(page).toHaveURL(/\/admin\/inventory\/inv_[0-9a-f]+$/, { timeout: 30_000 });
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByText(`NetBox at ${netbox.url}`)).toBeVisible();
    await expect(page.getByTestId("token-set")).toContainText("A token is set.");
    const sourceUrl = page.url();
    const sourceId = sourceUrl.split("/").pop()!;
    // Saved, and shown nowhere: not in the page, not in what the server sends (the RSC payload included).
    expect(await page.content()).not.toContain(TOKEN);
    const served = await page.request.get(sourceUrl);
    expect(served.status()).toBe(200);
    expect(await served.text()).not.toContain(TOKEN);
    // Adding the source did not call NetBox: the first reading is the mapping preview.
    expect(netbox.seen).toEqual([]);

    // The example mapping reads the environment from the status (active: production) and the service from the role.
    const mappingText = page.getByLabel("Mapping (JSON)");
    await page.getByRole("button", { name: "Preview mapping" }).click();
    await expect(page.getByText("5 host(s) read;")).toBeVisible({ timeout: 30_000 });
    const mapped = page.getByTestId("mapped-hosts");
    const mappedRow = (host: string) => mapped.getByRole("row").filter({ hasText: host });
    // Columns: name, team, environment, kind, service, cluster, address, tags.
    const cells = (host: string) => mappedRow(host).getByRole("cell");
    await expect(cells(`${p}-pay-2`).nth(2)).toHaveText("production");
    await expect(cells(`${p}-pay-2`).nth(4)).toHaveText("web");

    // Edited: the team from the tenant's slug, the environment and the service from custom fields.
    const mapping = {
      fields: {
        team: "field:tenant.slug",
        environment: "cf:env",
        kind: ["cf:patch_kind", "const:server"],
        service: "cf:service",
        address: "field:primary_ip4.address",
        tags: "field:tags",
      },
      values: { environment: { prod: "production", qa: "non-production" } },
    };
    await mappingText.fill(JSON.stringify(mapping, null, 2));
    await page.getByRole("button", { name: "Preview mapping" }).click();
    await expect(page.getByText("5 host(s) read; 1 could not be mapped. Nothing was saved.")).toBeVisible({ timeout: 30_000 });
    await expect(cells(`${p}-pay-1`)).toHaveText([`${p}-pay-1`, "payments", "production", "server", "payments-api", "not mapped", "10.78.0.1", "linux"]);
    await expect(cells(`${p}-pay-2`)).toHaveText([`${p}-pay-2`, "payments", "non-production", "server", "payments-api", "not mapped", "10.78.0.2", "—"]);
    await expect(cells(`${p}-id-1`)).toHaveText([`${p}-id-1`, "identity", "production", "server", "identity-api", "not mapped", "—", "—"]);
    await expect(cells(`${p}-id-vm`)).toHaveText([`${p}-id-vm`, "identity", "non-production", "vm", "identity-api", "not mapped", "—", "—"]);
    await expect(page.getByTestId("host-errors")).toContainText(`${p}-orphan`);
    await expect(page.getByTestId("host-errors")).toContainText("no team");
    await page.screenshot({ path: testInfo.outputPath("netbox-mapping-preview.png"), fullPage: true });
    await fitsThePhone(page, testInfo.outputPath("netbox-mapping-preview-phone.png"));
    await page.getByRole("button", { name: "Save mapping" }).click();
    await expect(page.getByText("Mapping saved. Preview a sync to see what it changes.")).toBeVisible();

    // A sync, previewed: four to add, the host without a tenant an error; nothing written yet.
    await previewSync(page);
    await expect(figure(page, "hosts")).toHaveText("5");
    await expect(figure(page, "to add")).toHaveText("4");
    await expect(figure(page, "errors")).toHaveText("1");
    const added = (host: string) => page.getByTestId("plan-add").getByRole("listitem").filter({ hasText: host });
    await expect(added(`${p}-pay-1`)).toContainText("team: Payments; environment: production; kind: server; service: payments-api");
    await expect(added(`${p}-pay-1`)).toContainText("address: 10.78.0.1");
    await expect(added(`${p}-pay-2`)).toContainText("team: Payments; environment: non-production; kind: server; service: payments-api");
    await expect(added(`${p}-id-vm`)).toContainText("team: Identity; environment: non-production; kind: vm; service: identity-api");
    await expect(page.getByTestId("host-errors").first()).toContainText(`${p}-orphan`);
    expect(((await (await page.request.get(`/api/v1/resources?q=${p}`)).json()) as { items: unknown[] }).items).toHaveLength(0);
    await page.screenshot({ path: testInfo.outputPath("netbox-source.png"), fullPage: true });
    await fitsThePhone(page, testInfo.outputPath("netbox-source-phone.png"));
    await apply(page);

    // The portal read NetBox with the token, devices over pages (`next` followed), then the VMs.
    expect(netbox.seen.length).toBeGreaterThan(0);
    expect(netbox.seen.every((s) => s.auth === `Token ${TOKEN}`)).toBe(true);
    expect(netbox.seen.filter((s) => s.path === "/api/dcim/devices/").length).toBeGreaterThanOrEqual(2);
    expect(netbox.seen.some((s) => s.path === "/api/virtualization/virtual-machines/")).toBe(true);

    // The servers, with their team and environment.
    await page.goto(`/resources?q=${p}`);
    const listed = (host: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name: host, exact: true }) });
    await expect(listed(`${p}-pay-1`)).toContainText("Payments");
    await expect(listed(`${p}-pay-1`).getByText("production", { exact: true })).toBeVisible();
    await expect(listed(`${p}-pay-2`)).toContainText("Payments");
    await expect(listed(`${p}-pay-2`)).toContainText("non-production");
    await expect(listed(`${p}-id-1`)).toContainText("Identity");
    await expect(listed(`${p}-id-1`).getByText("production", { exact: true })).toBeVisible();
    await expect(listed(`${p}-id-vm`)).toContainText("Identity");
    await expect(listed(`${p}-id-vm`)).toContainText("non-production");
    await expect(page.getByRole("link", { name: `${p}-orphan` })).toHaveCount(0);

    // pay-2 is deleted in NetBox: the next sync retires it (kept, marked), nothing else changes.
    netbox.setDevices(devices.filter((d) => d.name !== `${p}-pay-2`));
    await page.goto(sourceUrl);
    await previewSync(page);
    await expect(figure(page, "to retire")).toHaveText("1");
    await expect(figure(page, "to add")).toHaveText("0");
    await expect(figure(page, "to change")).toHaveText("0");
    await expect(page.getByTestId("plan-retire")).toContainText(`${p}-pay-2`);
    await apply(page);
    await page.goto(`/resources/${p}-pay-2`);
    await expect(page.getByRole("heading", { level: 1, name: `${p}-pay-2` })).toBeVisible();
    await expect(page.getByText("Retired", { exact: true })).toBeVisible();
    await expect(page.getByText(/gone from its inventory source since/)).toBeVisible();
    const retired = (await (await page.request.get(`/api/v1/resources?q=${p}&retired=only`)).json()) as { items: { name: string }[] };
    expect(retired.items.map((r) => r.name)).toEqual([`${p}-pay-2`]);

    // Still nowhere after all that: the source's page, the list of sources, the API.
    await page.goto(sourceUrl);
    expect(await page.content()).not.toContain(TOKEN);
    for (const path of [sourceUrl, "/admin/inventory", `/api/v1/inventory-sources/${sourceId}`, `/api/v1/inventory-sources/${sourceId}/syncs`]) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(200);
      expect(await response.text(), path).not.toContain(TOKEN);
    }
    noErrors();
  } finally {
    await netbox.close();
  }
});

test("a team owner cannot reach inventory sources", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inventory", exact: true })).toHaveCount(0);
  await page.goto("/admin/inventory");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  expect((await page.request.get("/api/v1/inventory-sources")).status()).toBe(403);
});
