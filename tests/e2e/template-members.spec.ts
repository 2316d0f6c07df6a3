import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, freeVms, fromThePortal, signIn } from "./helpers";

test("an admin adds and removes a member on the template's page, sees both in the history, and edits the member query with a preview", async ({ page }) => {
  test.setTimeout(90_000);
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  const [first, second] = await freeVms(page, 2, "-name");
  expect(second).toBeTruthy();
  const policies = (await (await page.request.get("/api/v1/policies")).json()) as { id: string; schedules: unknown[] }[];
  const policy = policies.find((p) => p.schedules.length > 0)!;
  const name = `Members fleet ${Date.now()}`;
  const created = await page.request.post("/api/v1/templates", {
    headers: fromThePortal(page),
    data: { name, policyId: policy.id, targetVersion: "9.9.9", members: [first] },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/templates/${id}`);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const add = page.getByRole("form", { name: "Add members" });
  await add.getByLabel("Add members by name").fill("no-such-server");
  await add.getByRole("button", { name: "Add" }).click();
  await expect(add.getByText('No resource or cluster is named "no-such-server".')).toBeVisible();
  await add.getByLabel("Add members by name").fill(second!);
  await add.getByRole("button", { name: "Add" }).click();
  await expect(page.getByTestId("members").getByRole("link", { name: second! })).toBeVisible();
  const history = page.getByTestId("member-history");
  await expect(history.getByRole("row").filter({ hasText: second! })).toContainText("Joined");
  await expect(history.getByRole("row").filter({ hasText: second! })).toContainText("by admin@example.com");
  // Removed again: it leaves the list, and the history says so.
  await page.getByRole("button", { name: `Remove ${second}` }).click();
  await expect(page.getByTestId("members").getByRole("link", { name: second! })).toHaveCount(0);
  await expect(history.getByRole("row").filter({ hasText: second! }).filter({ hasText: "Left" })).toContainText("by admin@example.com");

  // The member query: the preview counts before anything is saved.
  const query = page.getByRole("form", { name: "Member query" });
  await query.getByLabel("Tags (every one)").fill("cleanroom");
  await query.getByRole("button", { name: "Preview matches" }).click();
  await expect(page.getByTestId("query-preview")).toContainText("13 servers match; 13 of them belong to another template and would be refused.");
  await expect(page.getByTestId("member-query")).toContainText("none: named members only.");
  await query.getByRole("button", { name: "Save query" }).click();
  await expect(page.getByTestId("query-preview")).toContainText("Saved");
  await expect(page.getByTestId("member-query")).toContainText("tag = cleanroom");
  await expect(history.getByText('Already a member of the template "Secure access platform"').first()).toBeVisible();
  noErrors();
});
