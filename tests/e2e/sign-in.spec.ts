import { expect, test } from "@playwright/test";
import { decode } from "next-auth/jwt";
import { failOnConsoleErrors, nextPartyCard, signIn } from "./helpers";

test("a signed-out visitor is sent to sign in, and the API answers 401", async ({ page, request }) => {
  await page.goto("/resources");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fresources/);
  await expect(page.getByRole("heading", { name: "Sign in to PatchParty" })).toBeVisible();
  for (const path of ["/api/v1/parties?from=2026-01-01&to=2026-12-31", "/api/v1/resources", "/api/v1/resources/anything", "/api/v1/resources.csv"]) {
    expect((await request.get(path)).status(), path).toBe(401);
  }
  expect((await request.put("/api/v1/resources/anything/exclusion", { data: { reason: "signed out" } })).status()).toBe(401);
});

test("a wrong password gets a message that does not say which part was wrong", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("#signin-error")).toHaveText("Wrong e-mail or password.");
  await page.getByLabel("E-mail").fill("nobody@example.com");
  await page.getByLabel("Password").fill("patchparty");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("#signin-error")).toHaveText("Wrong e-mail or password.");
  await expect(page).toHaveURL(/\/signin/);
});

const roles = [
  { email: "viewer@example.com", label: "Viewer" },
  { email: "owner@example.com", label: "Resource owner" },
  { email: "approver@example.com", label: "Approver (CAB)" },
  { email: "admin@example.com", label: "Admin" },
];

for (const role of roles) {
  test(`${role.email} signs in and sees the next parties with their group slots`, async ({ page }, testInfo) => {
    const noErrors = failOnConsoleErrors(page);
    await signIn(page, role.email);
    await expect(page.getByTestId("current-user")).toContainText(role.label);
    for (const kind of ["qa", "production"] as const) {
      const card = nextPartyCard(page, kind);
      await expect(card).toBeVisible();
      await expect(card.getByRole("row")).toHaveCount(4);
      for (const group of [1, 2, 3]) {
        const count = Number((await card.getByTestId(`slot-count-${kind}-${group}`).innerText()).replace(/,/g, ""));
        expect(count).toBeGreaterThan(0);
      }
    }
    await expect(nextPartyCard(page, "production")).toContainText(/\d{4}-Q[1-4]/);
    // Slots show in UTC and in the browser's zone (America/New_York in these tests).
    await expect(nextPartyCard(page, "qa").getByText(/UTC$/).first()).toBeVisible();
    await expect(
      nextPartyCard(page, "qa")
        .getByText(/ES?T \(your time\)/)
        .first(),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "API tokens" })).toHaveCount(role.label === "Admin" ? 1 : 0);
    await page.screenshot({ path: testInfo.outputPath("home.png"), fullPage: true });
    noErrors();
  });
}

test("the owner sees their teams, and signing out ends the session", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page.getByTestId("current-user")).toContainText("Identity, Payments");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
});

test("a session and its token both end after 12 hours", async ({ page, context }) => {
  await signIn(page, "viewer@example.com");
  const cookie = (await context.cookies()).find((c) => c.name === "next-auth.session-token");
  expect(cookie, "session cookie").toBeTruthy();
  const hours = (seconds: number) => Math.round((seconds / 3600) * 10) / 10;
  expect(hours(cookie!.expires - Date.now() / 1000)).toBe(12);
  // The token itself must not outlive the cookie: a copied token stops working with it.
  const token = await decode({ token: cookie!.value, secret: "e2e-secret-e2e-secret-e2e-secret-e2e-secret" });
  expect(hours(Number(token!.exp) - Number(token!.iat))).toBe(12);
});

test("a session cookie that is not a valid session is sent to sign in", async ({ page, context, baseURL }) => {
  // Next skips the proxy when a session cookie (or its first part) is there; the page's own check
  // must refuse a forged one.
  for (const name of ["next-auth.session-token", "next-auth.session-token.0"]) {
    await context.clearCookies();
    await context.addCookies([{ name, value: "forged", url: baseURL! }]);
    await page.goto("/resources");
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByRole("heading", { name: "Sign in to PatchParty" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toHaveCount(0);
  }
});

test("a callbackUrl that points elsewhere ends on the portal after signing in", async ({ page }) => {
  for (const callbackUrl of ["/%5Cevil.example", "/%09/evil.example", "//evil.example", "https://evil.example"]) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${callbackUrl}`);
    await page.getByLabel("E-mail").fill("viewer@example.com");
    await page.getByLabel("Password").fill("patchparty");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByTestId("current-user")).toBeVisible();
    expect(new URL(page.url()).host, callbackUrl).not.toContain("evil");
    expect(new URL(page.url()).pathname, callbackUrl).toBe("/");
  }
});
