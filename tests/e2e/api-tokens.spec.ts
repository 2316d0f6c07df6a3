import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("an admin creates a read token shown once, the API accepts it for reads only, and refuses it once revoked", async ({ page, playwright }) => {
  await signIn(page, "admin@example.com");
  await page.getByRole("link", { name: "API tokens" }).click();
  const name = `e2e ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await expect(page.getByLabel("Expires after (days)")).toHaveValue("90");
  await page.getByRole("radio", { name: /^Read/ }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").innerText()).trim();
  expect(secret).toMatch(/^pp_[A-Za-z0-9_-]{40,}$/);

  const api = await playwright.request.newContext({ baseURL: page.url(), extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  const ok = await api.get("/api/v1/parties?from=2026-01-01&to=2026-12-31");
  expect(ok.status()).toBe(200);
  const parties = (await ok.json()) as { tag: string; kind: string; slots: unknown[] }[];
  expect(parties.filter((p) => p.kind === "qa")).toHaveLength(4);
  expect(parties.every((p) => p.slots.length === 3)).toBe(true);

  const bad = await api.get("/api/v1/parties?from=2026-02-30&to=2026-12-31");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/^from: /);

  const write = await api.put("/api/v1/party-rule", { data: {} });
  expect(write.status()).toBe(403);
  expect((await write.json()).error).toMatch(/^This API token is read-only/);

  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("read");
  await expect(row).toContainText("active");
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("revoked");
  expect((await api.get("/api/v1/parties?from=2026-01-01&to=2026-12-31")).status()).toBe(401);
  await api.dispose();
});

test("a viewer cannot reach the token page", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/admin/tokens");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
});
