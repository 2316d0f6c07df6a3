// Sessions end (issue 17): signing out, next-auth's own sign-out, an admin's "sign out everywhere"
// and a role change end every session of the person, a copied cookie included, in pages, in the
// API and at next-auth's session endpoint; a session lasts 12 hours from sign-in, refreshed or
// not. And guessing is stopped: five wrong passwords lock an account, even against the right one,
// until an admin unlocks it. Each test signs in as a demo team owner no other spec uses.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { decode, encode } from "next-auth/jwt";
import { DEMO_PASSWORD, signIn } from "./helpers";

const SECRET = "e2e-secret-e2e-secret-e2e-secret-e2e-secret";
const COOKIE = "next-auth.session-token";

async function sessionCookie(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
  expect(cookie, "session cookie").toBeTruthy();
  return cookie!;
}

/** A fresh browser holding only a copy of `value` as its session cookie: a stolen cookie. */
async function withCopiedCookie(browser: Browser, baseURL: string, value: string) {
  const context = await browser.newContext({ baseURL });
  await context.addCookies([{ name: COOKIE, value, url: baseURL }]);
  return context;
}

/** What a copied cookie still opens: a page, the API, and next-auth's session endpoint. */
async function expectEnded(browser: Browser, baseURL: string, value: string) {
  const thief = await withCopiedCookie(browser, baseURL, value);
  const page = await thief.newPage();
  await page.goto("/resources");
  await expect(page).toHaveURL(/\/signin/);
  const api = await thief.request.get("/api/v1/resources?limit=1");
  expect(api.status()).toBe(401);
  const session = await thief.request.get("/api/auth/session");
  expect(await session.json()).toEqual({});
  // No new cookie for it: the refresh clears it instead.
  const renewed = session.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(`${COOKIE}=`));
  for (const header of renewed) expect(header.value).toMatch(new RegExp(`^${COOKIE}=;|Max-Age=0|Expires=Thu, 01 Jan 1970`));
  await thief.close();
}

async function expectWorks(browser: Browser, baseURL: string, value: string) {
  const copy = await withCopiedCookie(browser, baseURL, value);
  expect((await copy.request.get("/api/v1/resources?limit=1")).status()).toBe(200);
  await copy.close();
}

test("the portal's Sign out ends every session of the person, a copied cookie too", async ({ page, context, browser, baseURL }) => {
  await signIn(page, "owner.storage@example.com");
  const first = await sessionCookie(context);
  // A second session of the same person, elsewhere.
  const elsewhere = await browser.newContext({ baseURL });
  const other = await elsewhere.newPage();
  await signIn(other, "owner.storage@example.com");
  const second = await sessionCookie(elsewhere);
  await expectWorks(browser, baseURL!, second.value);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expectEnded(browser, baseURL!, first.value);
  await expectEnded(browser, baseURL!, second.value);
  await other.goto("/resources");
  await expect(other).toHaveURL(/\/signin/);
  await elsewhere.close();
});

test("next-auth's own /api/auth/signout ends the session too", async ({ page, context, browser, baseURL }) => {
  await signIn(page, "owner.search@example.com");
  const cookie = await sessionCookie(context);
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const out = await page.request.post("/api/auth/signout", { form: { csrfToken, json: "true" }, headers: { Origin: baseURL! } });
  expect(out.status()).toBeLessThan(400);
  await expectEnded(browser, baseURL!, cookie.value);
});

test("a session lasts 12 hours from sign-in, and refreshing it does not extend that", async ({ page, context, browser, baseURL }) => {
  await signIn(page, "owner.billing@example.com");
  const cookie = await sessionCookie(context);
  const token = await decode({ token: cookie.value, secret: SECRET });
  expect(typeof token?.authTime).toBe("number");
  // Refreshing (next-auth's session endpoint) issues a new cookie that keeps the sign-in time.
  const refreshed = await page.request.get("/api/auth/session");
  expect(((await refreshed.json()) as { user?: { email?: string } }).user?.email).toBe("owner.billing@example.com");
  const renewed = await decode({ token: (await sessionCookie(context)).value, secret: SECRET });
  expect(renewed?.authTime).toBe(token!.authTime);
  // The same session, signed in 12 hours and a minute ago (and its cookie still fresh): over.
  const old = await encode({ token: { ...token!, authTime: token!.authTime! - 12 * 3600 - 60 }, secret: SECRET, maxAge: 3600 });
  await expectEnded(browser, baseURL!, old);
  // Signed in 11 hours ago: still on.
  const younger = await encode({ token: { ...token!, authTime: token!.authTime! - 11 * 3600 }, secret: SECRET, maxAge: 3600 });
  await expectWorks(browser, baseURL!, younger);
});

async function adminPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, "admin@example.com");
  return page;
}

test("an admin's Sign out everywhere and a role change end the person's sessions", async ({ page, context, browser, baseURL }) => {
  await signIn(page, "owner.web@example.com");
  const before = await sessionCookie(context);
  const admin = await adminPage(browser, baseURL!);
  await admin.goto("/admin/users?q=owner.web");
  const row = admin.getByRole("row", { name: /owner\.web@example\.com/ });
  await row.getByRole("button", { name: "Sign out everywhere every session of owner.web@example.com" }).click();
  await expect(row.getByRole("status")).toHaveText("Signed out everywhere.");
  await expectEnded(browser, baseURL!, before.value);

  // Signed in again; an admin makes them a viewer over the API (with the admin's cookie).
  await signIn(page, "owner.web@example.com");
  const again = await sessionCookie(context);
  const users = (await (await admin.request.get("/api/v1/users?q=owner.web")).json()) as { users: { id: string; email: string; role: string }[] };
  const person = users.users.find((u) => u.email === "owner.web@example.com")!;
  expect(person.role).toBe("owner");
  const patched = await admin.request.patch(`/api/v1/users/${person.id}`, { data: { role: "viewer" }, headers: { Origin: baseURL! } });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toMatchObject({ role: "viewer", changed: true, sessionsEnded: true });
  await expectEnded(browser, baseURL!, again.value);
  // Back as they were, in the page this time.
  await admin.goto("/admin/users?q=owner.web");
  await admin.getByLabel("Role of owner.web@example.com", { exact: true }).selectOption("owner");
  await admin.getByRole("button", { name: "Save the role of owner.web@example.com" }).click();
  await expect(admin.getByRole("row", { name: /owner\.web@example\.com/ }).getByRole("status")).toHaveText("Role changed; their sessions ended.");
  await admin.context().close();
});

test("five wrong passwords lock the account, even against the right one, until an admin unlocks it", async ({ page, browser, baseURL }) => {
  const email = "owner.network@example.com";
  for (let i = 0; i < 5; i++) {
    await page.goto("/signin");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.locator("#signin-error")).toHaveText("Wrong e-mail or password.");
  }
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("#signin-error")).toHaveText(/this account: it is locked\. Wait 15 minutes and try again, or ask an admin to unlock it\./);

  const admin = await adminPage(browser, baseURL!);
  await admin.goto("/admin/users?q=owner.network");
  const row = admin.getByRole("row", { name: /owner\.network@example\.com/ });
  await expect(row.getByText(/^locked until /)).toBeVisible();
  await row.getByRole("button", { name: `Unlock ${email}` }).click();
  await expect(row.getByText(/^locked until /)).toHaveCount(0);
  await admin.context().close();

  await signIn(page, email);
});
