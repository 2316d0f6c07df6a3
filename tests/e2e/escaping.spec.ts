import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

// Stored values are shown as text, never run: a reason written as HTML stays characters on every
// page that shows it (issue 8, "Bad input").
const HOSTILE = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'; DROP TABLE "Resource"; --`;

test("a hostile exclusion reason is stored as sent and shown as text on the resource, party, report and audit pages", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  const list = (await (await page.request.get("/api/v1/resources?environment=production&state=included&limit=1&q=api")).json()) as {
    items: { name: string; group: number }[];
  };
  const { name, group } = list.items[0]!;
  const put = await page.request.put(`/api/v1/resources/${name}/exclusion`, { data: { reason: HOSTILE }, headers: fromThePortal(page) });
  expect(put.status()).toBe(200);
  expect(
    ((await (await page.request.get(`/api/v1/resources/${name}`)).json()) as { patchStatus: { exclusion: { reason: string } } }).patchStatus.exclusion.reason,
  ).toBe(HOSTILE);

  const parties = (await (await page.request.get("/api/v1/parties?from=2026-11-26&to=2028-12-31")).json()) as { tag: string; kind: string }[];
  const production = parties.find((p) => p.kind === "production")!;
  for (const path of [
    `/resources/${name}`,
    `/audit?resource=${name}`,
    `/parties/${production.tag}/production?group=1`,
    "/resources?state=excluded&environment=production",
  ]) {
    await page.goto(path);
    if (!path.startsWith("/parties") && !path.startsWith("/resources?")) await expect(page.getByText(HOSTILE).first()).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("main img[src='x']").count()).toBe(0);
  }
  // Put it back for the other tests.
  expect((await page.request.delete(`/api/v1/resources/${name}/exclusion`, { data: { group }, headers: fromThePortal(page) })).status()).toBe(200);
  noErrors();
});
