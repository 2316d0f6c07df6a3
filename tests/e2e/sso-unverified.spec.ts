import { expect, test } from "@playwright/test";
import { startOidcProvider } from "./oidc-provider";

// A provider that has not verified the address it sends: anyone who could put a colleague's
// address on their provider account would otherwise sign in as that colleague (decision 017).
let provider: { stop: () => Promise<void> };

test.beforeAll(async ({}, testInfo) => {
  provider = await startOidcProvider(String(testInfo.project.use.baseURL), { emailVerified: false });
});

test.afterAll(async () => {
  await provider.stop();
});

test("single sign-on with an e-mail address the provider has not verified is refused, saying why", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Test SSO" }).click();
  await page.locator('input[name="login"]').fill("approver@example.com");
  await page.locator('input[name="password"]').fill("anything");
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/signin\?error=EmailUnverified/);
  await expect(page.getByText("Your single sign-on provider has not verified your e-mail address")).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveCount(0);
});
