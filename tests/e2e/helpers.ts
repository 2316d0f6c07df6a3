import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "patchparty";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/**
 * The headers a page's own fetch sends with a write: the portal's Origin. Playwright's request API
 * sends none, and a write signed with the session cookie without it is refused as cross-site.
 */
export const fromThePortal = (page: Page) => ({ Origin: new URL(page.url()).origin });

/** Fails the test on any browser console error or failed response, naming the URL. */
export function failOnConsoleErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return () => expect(errors, "browser console errors").toEqual([]);
}

/**
 * The home page's card of the next party of a kind. By role, not test id: Next keeps an earlier
 * render of a page hidden in the document after a refresh, and a role locator skips hidden copies.
 */
export const nextPartyCard = (page: Page, kind: "qa" | "production") =>
  page.getByRole("region", { name: kind === "qa" ? "Next QA Patch Party" : "Next Production Patch Party" });

/**
 * A page the signed-in person may not see shows "Page not found" (the portal's loading state has
 * already sent the status line by the time the page decides, so the answer's status says 200).
 */
export async function expectNotFound(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
}

/** Signs out with the shell's button and waits for the sign-in page. */
export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
}

/**
 * VMs that no template holds yet (a server belongs to one template only), the first `count` by
 * name (`order` "-name": the last, so that two tests in one run do not pick the same ones).
 */
export async function freeVms(page: Page, count: number, order: "name" | "-name" = "name") {
  const taken = new Set<string>();
  for (const t of (await (await page.request.get("/api/v1/templates")).json()) as { id: string }[]) {
    let after: string | null = null;
    do {
      const query: string = after === null ? "" : `?after=${encodeURIComponent(after)}`;
      const batch = (await (await page.request.get(`/api/v1/templates/${t.id}/members${query}`)).json()) as {
        members: { name: string }[];
        next: string | null;
      };
      for (const m of batch.members) taken.add(m.name);
      after = batch.next;
    } while (after !== null);
  }
  const list = (await (await page.request.get(`/api/v1/resources?kind=vm&limit=200${order === "-name" ? "&sort=-name" : ""}`)).json()) as {
    items: { name: string }[];
  };
  return list.items
    .map((i) => i.name)
    .filter((n) => !taken.has(n))
    .slice(0, count);
}
