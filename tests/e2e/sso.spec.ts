import { expect, test } from "@playwright/test";
import { nextPartyCard } from "./helpers";
import { startOidcProvider } from "./oidc-provider";

let provider: { stop: () => Promise<void> };

test.beforeAll(async ({}, testInfo) => {
  provider = await startOidcProvider(String(testInfo.project.use.baseURL));
});

test.afterAll(async () => {
  await provider.stop();
});

async function signInWithSso(page: import("@playwright/test").Page, email: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Test SSO" }).click();
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("anything");
  await page.locator('button[type="submit"]').click();
}

test("a person known to PatchParty signs in through the OIDC provider, with PatchParty's role", async ({ page }) => {
  await signInWithSso(page, "approver@example.com");
  await expect(page.getByTestId("current-user")).toContainText("Approver (CAB)");
  await expect(nextPartyCard(page, "production")).toBeVisible();
});

test("a stranger with a valid SSO account is refused", async ({ page }) => {
  await signInWithSso(page, "stranger@example.com");
  await expect(page).toHaveURL(/\/signin\?error=AccessDenied/);
  await expect(page.getByText("Your single sign-on account has no PatchParty access.")).toBeVisible();
});
