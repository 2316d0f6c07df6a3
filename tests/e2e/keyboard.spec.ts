import { expect, test, type Page } from "@playwright/test";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

/**
 * Presses Tab until the focused element is the one named (its label, aria-label or text), at most
 * `max` times, and checks that the focus shows: an outline or a ring (box-shadow) on it.
 */
async function tabTo(page: Page, name: string | RegExp, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const labelled = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null;
      const style = getComputedStyle(el);
      return {
        name: (el.getAttribute("aria-label") ?? labelled ?? el.textContent ?? "").trim(),
        shows: (style.outlineStyle !== "none" && style.outlineWidth !== "0px") || style.boxShadow !== "none",
      };
    });
    if (focused && (typeof name === "string" ? focused.name === name : name.test(focused.name))) {
      expect(focused.shows, `the focus on "${focused.name}" shows`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached "${String(name)}"`);
}

test("an owner excludes a resource with a reason, by keyboard alone", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "owner@example.com");
  // A resource of the owner's team that is in the party and in no cluster; the last such one.
  const list = (await (await page.request.get("/api/v1/resources?q=prd-payments&limit=200")).json()) as {
    items: { name: string; excluded: boolean; cluster: string | null; group: number }[];
  };
  const target = list.items.filter((r) => !r.excluded && r.cluster === null).at(-1)!;
  await page.goto(`/resources/${encodeURIComponent(target.name)}`);
  await expect(page.getByRole("heading", { level: 1, name: target.name })).toBeVisible();

  await tabTo(page, "Exclude from the Patch Party");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Exclude from the Patch Party" });
  await expect(dialog).toBeVisible();
  await tabTo(page, "Why is it excluded?");
  await page.keyboard.type("Vendor hotfix pending, by keyboard");
  await tabTo(page, "Exclude");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("action-notice")).toHaveText("Excluded from the Patch Party.");
  await expect(dialog).toBeHidden();
  const after = (await (await page.request.get(`/api/v1/resources/${encodeURIComponent(target.name)}`)).json()) as {
    patchStatus: { exclusion: { reason: string } | null };
  };
  expect(after.patchStatus.exclusion).toMatchObject({ reason: "Vendor hotfix pending, by keyboard" });

  // Put it back as it was, for the other tests.
  const back = await page.request.delete(`/api/v1/resources/${encodeURIComponent(target.name)}/exclusion`, {
    data: { group: target.group },
    headers: fromThePortal(page),
  });
  expect(back.status()).toBe(200);
  noErrors();
});

test("an approver approves a change with a comment, by keyboard alone", async ({ browser, page }) => {
  const noErrors = failOnConsoleErrors(page);
  // An admin opens and submits the change of a stored production party no other test touches (the last of 2027).
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, "admin@example.com");
  const parties = (await (await admin.request.get("/api/v1/parties?from=2027-01-01&to=2027-12-31")).json()) as {
    tag: string;
    kind: string;
    status: string;
    change: unknown;
  }[];
  const party = parties.filter((p) => p.kind === "production" && p.status === "planned" && p.change === null).at(-1)!;
  const opened = await admin.request.post("/api/v1/changes", { data: { partyTag: party.tag }, headers: fromThePortal(admin) });
  expect(opened.status()).toBe(201);
  const change = (await opened.json()) as { id: string };
  expect((await admin.request.post(`/api/v1/changes/${change.id}/submit`, { data: {}, headers: fromThePortal(admin) })).status()).toBe(200);
  await adminContext.close();

  await signIn(page, "approver@example.com");
  await page.goto(`/changes/${change.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(party.tag);
  await tabTo(page, "Comment for the record");
  await page.keyboard.type("CAB: go, decided by keyboard");
  await tabTo(page, "Approve");
  await page.keyboard.press("Space");
  await expect(page.getByTestId("decision")).toContainText("by approver@example.com");
  await expect(page.getByTestId("decision")).toContainText("CAB: go, decided by keyboard");
  const api = (await (await page.request.get(`/api/v1/changes/${change.id}`)).json()) as { state: string };
  expect(api.state).toBe("APPROVED");
  noErrors();
});
