import { expect, test, type Page } from "@playwright/test";
import { expectNotFound, failOnConsoleErrors, fromThePortal, signIn, signOut } from "./helpers";

type Item = { name: string; group: number; cluster: string | null };

/** A resource of the given filter, read through the API with the page's session. */
async function findResource(page: Page, query: string): Promise<Item> {
  const response = await page.request.get(`/api/v1/resources?limit=1&${query}`);
  expect(response.status()).toBe(200);
  const item = ((await response.json()) as { items: Item[] }).items[0];
  expect(item, `a resource matching ${query}`).toBeDefined();
  return item!;
}

test("an owner excludes with a reason, then includes into group 2 and sees the next party's slot", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "owner@example.com");
  const resource = await findResource(page, "team=payments&environment=production&state=included&kind=vm&group=1");
  await page.goto(`/resources/${resource.name}`);
  const panel = page.getByTestId("patch-status");
  await expect(panel.getByTestId("next-party")).toContainText("Group 1 slot");

  await page.getByRole("button", { name: "Exclude from the Patch Party" }).click();
  const dialog = page.getByRole("dialog", { name: "Exclude from the Patch Party" });
  await dialog.getByRole("button", { name: "Exclude", exact: true }).click();
  await expect(dialog.getByText("The reason must be at least 3 characters.")).toBeVisible();
  await expect(dialog.getByLabel("Why is it excluded?")).toHaveAttribute("aria-invalid", "true");

  await dialog.getByLabel("Why is it excluded?").fill("Waiting for the vendor's firmware fix");
  await dialog.getByRole("button", { name: "Exclude", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(panel.getByTestId("exclusion-reason")).toHaveText("Waiting for the vendor's firmware fix");
  await expect(panel.getByTestId("excluded-by")).toHaveText("Omar Owner <owner@example.com>");
  await expect(panel).toContainText("Excluded on");
  await page.screenshot({ path: testInfo.outputPath("excluded.png"), fullPage: true });

  await page.getByRole("button", { name: "Include in the Patch Party" }).click();
  const include = page.getByRole("dialog", { name: "Include in the Patch Party" });
  await include.getByLabel("Group 2").check();
  await include.getByRole("button", { name: "Include", exact: true }).click();
  await expect(include).toBeHidden();
  await expect(panel.getByTestId("next-party")).toContainText("Group 2 slot");
  await expect(panel).toContainText("Included · group 2");
  await expect(page.getByRole("table", { name: "Include and exclude history" })).toContainText("included, group 2");
  await page.screenshot({ path: testInfo.outputPath("included.png"), fullPage: true });

  // The audit shows both changes, filterable by resource: to approvers and admins, not owners (decision 017).
  await expectNotFound(page, "/audit");
  await signOut(page);
  await signIn(page, "approver@example.com");
  await page.goto(`/audit?resource=${resource.name}`);
  await expect(page.getByTestId("audit-rows").getByRole("row")).toHaveCount(2);
  await expect(page.getByTestId("audit-rows")).toContainText("resource.exclude");
  await expect(page.getByTestId("audit-rows")).toContainText("Waiting for the vendor's firmware fix");
  noErrors();
});

test("an admin sets where the executors reach a resource; a bad address is refused at its field; its owner sees it, no form", async ({
  page,
  browser,
}, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  const resource = await findResource(page, "team=payments&environment=non-production&sort=name");
  await page.goto(`/resources/${resource.name}`);
  const card = page.getByRole("region", { name: "Connection" });
  await expect(card.getByTestId("connection-address")).toHaveText("Not set: the ssh and ansible executors cannot reach it.");
  await expect(card.getByTestId("connection-port")).toHaveText("22 (default)");

  await card.getByRole("button", { name: "Change connection" }).click();
  const dialog = page.getByRole("dialog", { name: "Change connection" });
  await dialog.getByLabel("Address").fill("-oProxyCommand=x");
  await dialog.getByLabel("SSH port").fill("70000");
  await dialog.getByRole("button", { name: "Save connection" }).click();
  const address = dialog.getByLabel("Address");
  await expect(address).toHaveAttribute("aria-invalid", "true");
  await expect(address).toHaveAccessibleDescription(/The address cannot start with "-"\./);
  await expect(dialog.getByLabel("SSH port")).toHaveAccessibleDescription(/The port must be a whole number from 1 to 65535/);
  // What was typed stays, so that it can be corrected.
  await expect(address).toHaveValue("-oProxyCommand=x");
  await expect(dialog.getByLabel("SSH port")).toHaveValue("70000");
  await page.screenshot({ path: testInfo.outputPath("connection-error-1280.png"), fullPage: true });

  await address.fill("app-01.payments.internal");
  await dialog.getByLabel("SSH port").fill("2222");
  await dialog.getByLabel("SSH user").fill("deploy");
  await dialog.getByRole("button", { name: "Save connection" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByTestId("connection-address")).toHaveText("app-01.payments.internal");
  await expect(card.getByTestId("connection-port")).toHaveText("2222");
  await expect(card.getByTestId("connection-user")).toHaveText("deploy");
  await expect(card.getByTestId("connection-notice")).toHaveText("Executors reach it at app-01.payments.internal.");
  const body = (await (await page.request.get(`/api/v1/resources/${resource.name}`)).json()) as Record<string, unknown>;
  expect(body).toMatchObject({ address: "app-01.payments.internal", sshPort: 2222, sshUser: "deploy" });
  await page.screenshot({ path: testInfo.outputPath("connection-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("connection-390.png"), fullPage: true });
  noErrors();

  // Its owner sees the connection, not the form: where the installation's key is used is the admins' to say.
  const viewer = await browser.newContext();
  const viewerPage = await viewer.newPage();
  await signIn(viewerPage, "owner@example.com");
  await viewerPage.goto(`/resources/${resource.name}`);
  await expect(viewerPage.getByRole("region", { name: "Connection" }).getByTestId("connection-address")).toHaveText("app-01.payments.internal");
  await expect(viewerPage.getByRole("button", { name: "Change connection" })).toHaveCount(0);
  await viewer.close();
});

test("a viewer sees no Patch Party button, and a forged server-action call by a viewer changes nothing", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  const resource = await findResource(page, "team=payments&environment=production&state=included&kind=vm&group=3");
  await page.goto(`/resources/${resource.name}`);

  // Capture the owner's real server-action request, and stop it before it reaches the server.
  let captured: { url: string; headers: Record<string, string>; body: Buffer } | null = null;
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"]) {
      captured = { url: request.url(), headers: request.headers(), body: request.postDataBuffer() ?? Buffer.alloc(0) };
      await route.abort();
      return;
    }
    await route.continue();
  });
  await page.getByRole("button", { name: "Exclude from the Patch Party" }).click();
  await page.getByLabel("Why is it excluded?").fill("Forged by a viewer");
  await page.getByRole("button", { name: "Exclude", exact: true }).click();
  await expect.poll(() => captured).not.toBeNull();

  const viewer = await browser.newContext();
  const viewerPage = await viewer.newPage();
  await signIn(viewerPage, "viewer@example.com");
  await viewerPage.goto(`/resources/${resource.name}`);
  await expect(viewerPage.getByTestId("patch-status")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: /Exclude|Include|Change group/ })).toHaveCount(0);

  const forged = captured!;
  const headers = { ...forged.headers };
  delete headers.cookie;
  const response = await viewerPage.request.post(forged.url, { headers, data: forged.body });
  expect(response.status()).toBeLessThan(500);
  const after = await viewerPage.request.get(`/api/v1/resources/${resource.name}`);
  const body = (await after.json()) as { revision: number; patchStatus: { exclusion: unknown } };
  expect(body.patchStatus.exclusion).toBeNull();
  expect(body.revision).toBe(1);
  const audit = await viewerPage.request.get(`/api/v1/resources/${resource.name}`);
  expect(audit.status()).toBe(200);
  await viewer.close();
});

test("the cluster rule is explained to an owner, and an admin may override it with a reason", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  // A node of a cluster of at most three nodes, so moving it to group 2 leaves a group free.
  const candidates = (await (await page.request.get("/api/v1/resources?team=identity&kind=database-node&group=1&limit=50")).json()) as { items: Item[] };
  let node: Item | undefined;
  for (const item of candidates.items) {
    const detail = (await (await page.request.get(`/api/v1/resources/${item.name}`)).json()) as { cluster: { nodes: unknown[] } | null };
    if (detail.cluster && detail.cluster.nodes.length <= 3) {
      node = item;
      break;
    }
  }
  expect(node, "a node of a small cluster").toBeDefined();
  await page.goto(`/resources/${node!.name}`);
  await page.getByRole("button", { name: "Change group" }).click();
  const dialog = page.getByRole("dialog", { name: "Change patch group" });
  await dialog.getByLabel("Group 2").check();
  await dialog.getByRole("button", { name: "Change group" }).click();
  await expect(dialog.getByText(/would all be in group 2 while group \d( or group \d)? is free/)).toBeVisible();
  await expect(dialog.getByLabel(/Override the cluster rule/)).toHaveCount(0);

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signIn(adminPage, "admin@example.com");
  await adminPage.goto(`/resources/${node!.name}`);
  await adminPage.getByRole("button", { name: "Change group" }).click();
  const adminDialog = adminPage.getByRole("dialog", { name: "Change patch group" });
  await adminDialog.getByLabel("Group 2").check();
  await adminDialog.getByRole("button", { name: "Change group" }).click();
  await expect(adminDialog.getByText(/An admin may override this with a reason/)).toBeVisible();
  await adminDialog.getByLabel(/Override the cluster rule/).fill("Node rebuilt this week; rule restored next quarter");
  await adminDialog.getByRole("button", { name: "Change group" }).click();
  await expect(adminDialog).toBeHidden();
  await expect(adminPage.getByTestId("patch-status")).toContainText("group 2");
  await admin.close();
});

test("two editors: the second gets 'changed since you loaded it' and nothing is overwritten", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  const resource = await findResource(page, "team=identity&environment=production&state=included&kind=vm");
  await page.goto(`/resources/${resource.name}`);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, "admin@example.com");
  await otherPage.goto(`/resources/${resource.name}`);

  await page.getByRole("button", { name: "Exclude from the Patch Party" }).click();
  await page.getByLabel("Why is it excluded?").fill("First editor's reason");
  await page.getByRole("button", { name: "Exclude", exact: true }).click();
  await expect(page.getByTestId("exclusion-reason")).toHaveText("First editor's reason");

  await otherPage.getByRole("button", { name: "Exclude from the Patch Party" }).click();
  await otherPage.getByLabel("Why is it excluded?").fill("Second editor's reason");
  await otherPage.getByRole("button", { name: "Exclude", exact: true }).click();
  await expect(otherPage.getByText(/changed by someone else since you loaded it/)).toBeVisible();
  await other.close();
  await page.reload();
  await expect(page.getByTestId("exclusion-reason")).toHaveText("First editor's reason");
});

test("an owner bulk-excludes selected rows of their team; another team's servers are not theirs to see (issue 21)", async ({ page }, testInfo) => {
  await signIn(page, "owner@example.com");
  await page.goto("/resources?team=web&state=included&environment=non-production");
  await expect(page.getByTestId("match-count")).toHaveText("0 resources match");
  await expect(page.getByText("You see your teams' servers only.")).toBeVisible();
  await expect(page.getByLabel("Team").locator("option", { hasText: "Web" })).toHaveCount(0);
  const dialog = page.getByRole("dialog");

  await page.goto("/resources?team=payments&state=included&environment=non-production&sort=-name");
  await page
    .getByRole("checkbox", { name: /^Select qa-/ })
    .nth(0)
    .check();
  await page
    .getByRole("checkbox", { name: /^Select qa-/ })
    .nth(1)
    .check();
  await expect(page.getByTestId("selection-count")).toHaveText("2 selected");
  await page.screenshot({ path: testInfo.outputPath("bulk.png"), fullPage: true });
  await page.getByRole("button", { name: "Exclude…" }).click();
  await dialog.getByLabel("Why are they excluded?").fill("Application freeze for the launch");
  await dialog.getByRole("button", { name: "Exclude them" }).click();
  await expect(dialog.getByTestId("bulk-result")).toContainText("2 changed, 0 already so.");
});

test("the list filters, sorts and pages through the fleet, all in the URL", async ({ page }, testInfo) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/resources");
  await page.getByLabel("Environment").selectOption("production");
  await page.getByLabel("Kind").selectOption("database-node");
  await page.getByLabel("Sort").selectOption("group");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/environment=production/);
  await expect(page).toHaveURL(/kind=database-node/);
  // The URL changes before the filtered rows are drawn: wait for them.
  await expect(page.locator("tbody tr td:nth-child(2)").first()).toHaveText("Database node");
  const groups = await page.locator("tbody tr td:nth-child(6)").allInnerTexts();
  expect(groups.length).toBeGreaterThan(0);
  expect([...groups].sort()).toEqual(groups);
  await page.screenshot({ path: testInfo.outputPath("list.png"), fullPage: true });
  await page.goto("/resources?environment=production");
  const firstCell = page.locator("tbody tr td:first-child").first();
  const first = await firstCell.innerText();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(firstCell).not.toHaveText(first);
  const second = await firstCell.innerText();
  expect(second > first).toBe(true);
  await expect(page.getByTestId("match-count")).toContainText("resources match");

  // Export what the filter shows, as CSV.
  await page.goto("/resources?team=payments&environment=production");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const { readFileSync } = await import("node:fs");
  const lines = readFileSync(file, "utf8").trim().split("\n");
  expect(lines[0]).toBe(
    "name,kind,environment,team,service,cluster,group,tags,address,ssh_port,ssh_user,excluded,exclusion_reason,exclusion_until,last_patched_at,last_patch_tag,last_outcome,pending_updates,security_updates,reboot_pending",
  );
  expect(lines.length).toBeGreaterThan(10);
  // Every row is of the filter (team and environment columns), and the rows are the list's: the
  // API's answer to the same filter, every page of it (other tests add servers to the demo teams).
  const rows = lines.slice(1).map((l) => l.split(","));
  expect(rows.every((r) => r[2] === "production" && r[3] === "payments")).toBe(true);
  const listed: string[] = [];
  let cursor: string | null = null;
  do {
    const answer = (await (
      await page.request.get(`/api/v1/resources?team=payments&environment=production&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
    ).json()) as { items: { name: string }[]; nextCursor: string | null };
    listed.push(...answer.items.map((i) => i.name));
    cursor = answer.nextCursor;
  } while (cursor);
  expect(rows.map((r) => r[0]).sort()).toEqual(listed.sort());
  expect(listed.filter((n) => n.startsWith("prd-payments")).length).toBeGreaterThan(10);
});

test("an admin imports a CSV: errors by line and column first, then all rows at once", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/resources/import");
  const bad = "name,kind,environment,team,cluster,group,tags\ne2e-import-01,vm,production,payments,,2,linux\ne2e-import-02,toaster,production,payments,,4,\n";
  await page.getByLabel("CSV file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Check and import" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors.getByRole("row")).toHaveCount(2);
  await expect(errors).toContainText("kind");
  await expect(errors).toContainText("group");
  expect((await page.request.get("/api/v1/resources/e2e-import-01")).status()).toBe(404);

  const good =
    "name,kind,environment,team,cluster,group,tags\ne2e-import-01,vm,production,payments,,2,linux;e2e\ne2e-import-02,server,non-production,payments,,3,\n";
  await page.getByLabel("CSV file").setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.getByRole("button", { name: "Check and import" }).click();
  await expect(page.getByText("Imported: 2 created, 0 updated, 0 unchanged.")).toBeVisible();
  const created = (await (await page.request.get("/api/v1/resources/e2e-import-01")).json()) as { group: number; tags: string[] };
  expect(created).toMatchObject({ group: 2, tags: ["linux", "e2e"] });
});

test("a viewer cannot import", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  const response = await page.request.post("/api/v1/resources.csv", {
    data: "name,kind,environment,team,group\nx,vm,production,payments,1\n",
    headers: { "Content-Type": "text/csv", ...fromThePortal(page) },
  });
  expect(response.status()).toBe(403);
  await page.goto("/resources");
  await expect(page.getByRole("link", { name: "Import CSV" })).toHaveCount(0);
});
