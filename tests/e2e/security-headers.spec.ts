// Every page and API answer carries the security headers, and a page's scripts run under a nonce
// policy without one violation: the page hydrates (a client component answers), and the console
// reports nothing blocked.
import { expect, test, type Page } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

/** CSP violations as the page reports them (securitypolicyviolation events), from its first script on. */
async function watchViolations(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const console: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) console.push(message.text());
  });
  return async () => {
    const events = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
    expect([...events, ...console], "CSP violations").toEqual([]);
  };
}

function expectBaseHeaders(headers: Record<string, string>, what: string) {
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("same-origin");
  // The e2e portal is http://localhost: no HSTS.
  expect(headers["strict-transport-security"], what).toBeUndefined();
}

test("the sign-in page: a nonce policy, the headers, and no violation", async ({ page }) => {
  const violations = await watchViolations(page);
  const response = await page.goto("/signin");
  const headers = response!.headers();
  const policy = headers["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain("unsafe-eval");
  expectBaseHeaders(headers, "/signin");
  // Next put the request's nonce on its scripts.
  const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
  const scripts = await page.locator("script").evaluateAll((all) => all.map((s) => (s as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  // Hydrated: the form's own handler runs (a refused sign-in answers in the page, no navigation).
  await page.getByLabel("E-mail").fill("nobody@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("#signin-error")).toBeVisible();
  await expect(page).toHaveURL(/\/signin$/);
  await violations();
});

test("signed in: every page a fresh nonce, no violation across pages with scripts and style attributes", async ({ page }) => {
  await signIn(page, "admin@example.com");
  const violations = await watchViolations(page);
  const noErrors = failOnConsoleErrors(page);
  const nonces = new Set<string>();
  // A template's page and its plan draw bars with style attributes.
  const listed = (await (await page.request.get("/api/v1/templates")).json()) as { id: string }[];
  const template = listed[0];
  const paths = [
    "/",
    "/resources",
    "/calendar",
    "/templates",
    ...(template ? [`/templates/${template.id}`, `/templates/${template.id}/plan`] : []),
    "/changes",
    "/audit",
    "/admin/users",
  ];
  for (const path of paths) {
    const response = await page.goto(path);
    const headers = response!.headers();
    expectBaseHeaders(headers, path);
    const policy = headers["content-security-policy"] ?? "";
    expect(policy, path).not.toContain("unsafe-eval");
    nonces.add(/'nonce-([^']+)'/.exec(policy)?.[1] ?? "none");
    await expect(page.getByTestId("current-user")).toBeVisible();
    await violations();
  }
  expect(nonces.size).toBe(paths.length);
  // A client-side navigation after hydration works under the policy.
  await page.goto("/");
  await page.getByRole("link", { name: "Resources" }).first().click();
  await expect(page).toHaveURL(/\/resources/);
  await violations();
  noErrors();
});

test("a page cannot be framed, and API answers carry the headers too", async ({ page, request }) => {
  await signIn(page, "viewer@example.com");
  const api = await page.request.get("/api/v1/resources?limit=1");
  expect(api.status()).toBe(200);
  expectBaseHeaders(api.headers(), "/api/v1/resources");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  const signedOut = await request.get("/api/v1/resources");
  expect(signedOut.status()).toBe(401);
  expectBaseHeaders(signedOut.headers(), "401");
  const health = await request.get("/api/health");
  expectBaseHeaders(health.headers(), "/api/health");
});

test("a write signed with the cookie from another site is refused; from the portal it goes through", async ({ page }) => {
  await signIn(page, "admin@example.com");
  const list = (await (await page.request.get("/api/v1/resources?environment=non-production&state=included&limit=1")).json()) as {
    items: { name: string; group: number }[];
  };
  const { name, group } = list.items[0]!;
  const evil = await page.request.put(`/api/v1/resources/${name}/exclusion`, {
    data: { reason: "From elsewhere" },
    headers: { Origin: "http://evil.example" },
  });
  expect(evil.status()).toBe(403);
  const plain = await page.request.put(`/api/v1/resources/${name}/exclusion`, {
    data: JSON.stringify({ reason: "As text" }),
    headers: { Origin: new URL(page.url()).origin, "Content-Type": "text/plain" },
  });
  expect(plain.status()).toBe(415);
  const status = (await (await page.request.get(`/api/v1/resources/${name}`)).json()) as { patchStatus: { exclusion: unknown } };
  expect(status.patchStatus.exclusion).toBeNull();
  // The portal's own page: its fetch sends the Origin.
  const fromPage = await page.evaluate(
    async ({ name }) =>
      (
        await fetch(`/api/v1/resources/${name}/exclusion`, {
          method: "PUT",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ reason: "From the page" }),
        })
      ).status,
    { name },
  );
  expect(fromPage).toBe(200);
  const back = await page.evaluate(
    async ({ name, group }) =>
      (
        await fetch(`/api/v1/resources/${name}/exclusion`, {
          method: "DELETE",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ group }),
        })
      ).status,
    { name, group },
  );
  expect(back).toBe(200);
});
