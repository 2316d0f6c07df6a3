// Two-factor sign-in, in a browser, against the server that requires it of admins and approvers
// (playwright.config.ts: project "two-factor", PATCHPARTY_MFA=privileged). An admin signed in
// with a password only is sent to their account page and refused everywhere else; they set up
// an authenticator app from the page (the secret read from it, the code computed here), then sign
// out and in again with a code, and once with a recovery code, which works only once.
import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { DEMO_PASSWORD } from "./helpers";

const ADMIN = "admin@example.com";

/** The app's code for `secret`, `ahead` 30-second steps from now: a code is taken once, so each sign-in uses a later one. */
const codeFor = (secret: string, ahead = 0) =>
  new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret.replace(/\s/g, "")) }).generate({
    timestamp: Date.now() + ahead * 30_000,
  });

async function enterPassword(page: Page) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(ADMIN);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
}

test("an admin sets up an authenticator app, then signs in with a code, and with a recovery code once", async ({ page }) => {
  test.setTimeout(90_000);

  // A password alone: to the account page, and nothing else opens.
  await enterPassword(page);
  await expect(page).toHaveURL(/\/account\?required=two-factor/);
  await expect(page.getByText("Set up two-factor sign-in first")).toBeVisible();
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/account/);
  const refused = await page.request.get("/api/v1/users");
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error).toMatch(/^Set up two-factor sign-in first/);

  // Set up: the QR code and the key as text; the first code turns it on and shows ten recovery codes.
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code to add PatchParty to your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").innerText()).trim();
  expect(secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Code from your app").fill("000000" === codeFor(secret) ? "111111" : "000000");
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByText("That code is not right")).toBeVisible();
  await page.getByLabel("Code from your app").fill(codeFor(secret));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByText("Two-factor sign-in is on")).toBeVisible();
  const codes = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCode = (await codes.first().innerText()).trim();
  expect(recoveryCode).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

  // This session now has its second factor: the admin's pages open.
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "People" })).toBeVisible();
  expect((await page.request.get("/api/v1/users")).status()).toBe(200);

  // Signing in again asks for a code after the password.
  await signOut(page);
  await enterPassword(page);
  await expect(page.getByText(`Two-factor sign-in is on for ${ADMIN}`)).toBeVisible();
  await page.getByLabel("Code", { exact: true }).fill(codeFor(secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("current-user")).toContainText("Admin");
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "People" })).toBeVisible();

  // A recovery code works once.
  await signOut(page);
  await enterPassword(page);
  await page.getByLabel("Code", { exact: true }).fill(recoveryCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("current-user")).toContainText("Admin");
  await signOut(page);
  await enterPassword(page);
  await page.getByLabel("Code", { exact: true }).fill(recoveryCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.locator("#signin-error")).toContainText("That code is not right");
  await expect(page).toHaveURL(/\/signin/);
});

test("a viewer is not asked for a second factor when only admins and approvers need one", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("viewer@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toContainText("Viewer");
  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/calendar/);
});
