import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

test("the API tokens page links the API reference, which renders the OpenAPI document offline with no console error", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== new URL(baseURL!).origin) elsewhere.push(request.url());
  });
  await signIn(page, "admin@example.com");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("link", { name: "its OpenAPI document" })).toHaveAttribute("href", "/api/v1/openapi.json");
  await page.getByRole("link", { name: "the API reference" }).click();
  await expect(page).toHaveURL(/\/api\/docs$/);
  // swagger-ui fetches the document (generated at its first request) and renders every operation.
  await expect(page.getByRole("heading", { name: /PatchParty API/ })).toBeVisible({ timeout: 20_000 });
  // An operation of each kind the document lists, rendered from it.
  await expect(page.locator(".opblock-summary-path", { hasText: /^\/parties\/\{tag\}\/\{kind\}\/move$/ })).toBeVisible();
  await expect(page.locator(".opblock").first()).toBeVisible();
  expect(await page.locator(".opblock").count()).toBeGreaterThan(50);
  await page.waitForLoadState("networkidle");
  expect(elsewhere, "requests to other origins").toEqual([]);
  noErrors();
});

test("signed out, the reference page sends you to sign in and back", async ({ page }) => {
  await page.goto("/api/docs");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fapi%2Fdocs$/);
});
