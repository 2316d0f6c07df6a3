import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, freeVms, signIn, signOut } from "./helpers";

test("an admin links a new policy to a template, bumps its version, gets the change approved and watches the members upgrade", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(90_000);
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");

  // A policy with a custom schedule, previewed before it is saved.
  const policy = `Fleet policy ${Date.now()}`;
  await page.goto("/policies/new");
  await page.getByLabel("Name", { exact: true }).fill(policy);
  await page.getByLabel("When").selectOption("custom");
  await page.getByLabel("Minutes (00–59)").fill("0");
  await page.getByLabel("Hours (00–23, UTC)").fill("3");
  await page.getByLabel("Days of the month (01–31)").fill("15");
  await page.getByLabel("Window (hours, 1–24)").fill("2");
  await page.getByRole("button", { name: "Preview the next ten windows" }).click();
  await expect(page.getByTestId("window-preview").getByRole("row")).toHaveCount(10);
  await expect(page.getByTestId("window-preview").getByRole("row").first()).toContainText("15");
  await page.getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByRole("heading", { level: 1, name: policy })).toBeVisible();

  // Six standalone VMs as the fleet: VMs that no template has yet (a member belongs to one only).
  const members = await freeVms(page, 6);
  expect(members).toHaveLength(6);

  const name = `VM fleet ${Date.now()}`;
  await page.goto("/templates");
  await page.getByRole("link", { name: "New template" }).click();
  await page.screenshot({ path: testInfo.outputPath("template-new.png"), fullPage: true });
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Maintenance policy").selectOption({ label: policy });
  await page.getByLabel("Version").fill("1.0.0");
  await page.getByLabel("Concurrency").fill("2");
  await page.getByLabel("Members").fill([...members, "no-such-server"].join("\n"));
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page.getByText('No resource or cluster is named "no-such-server".').first()).toBeVisible();
  await page.getByLabel("Members").fill(members.join("\n"));
  await page.getByRole("button", { name: "Create template" }).click();

  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("In sync", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("members").getByRole("row")).toHaveCount(6);

  // Safe rollout: a third go first as a canary, and three failures halt it.
  const safety = page.getByRole("form", { name: "Rollout safety" });
  await safety.getByLabel("Canary (% first)").fill("34");
  await safety.getByLabel("Halt after failures").fill("3");
  await safety.getByRole("button", { name: "Save rollout settings" }).click();
  await expect(safety.getByText("Saved.")).toBeVisible();

  await page.getByLabel("New target version").fill("2.0.0");
  await page.getByRole("button", { name: "Set version" }).click();
  await expect(page.getByText("Saved. Members move to 2.0.0 in the next upgrade window.")).toBeVisible();
  const counts = page.getByTestId("member-counts");
  await expect(counts.locator('[data-state="PENDING"]')).toHaveText("6");
  await page.screenshot({ path: testInfo.outputPath("template-pending.png"), fullPage: true });

  // Change management: the upgrade is blocked until an approver approves its change request.
  await expect(page.getByTestId("change-status")).toContainText("Blocked: the upgrade to 2.0.0 does not start. It has no change request yet.");
  const templateUrl = page.url();
  await page.getByRole("button", { name: "Open a change request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Upgrade ${name} to 2.0.0 (6 members)` })).toBeVisible();
  await page.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page.getByText("Waiting for an approver.")).toBeVisible();
  const changeUrl = page.url();
  const cab = await browser.newContext();
  const approver = await cab.newPage();
  await signIn(approver, "approver@example.com");
  await approver.goto(changeUrl);
  await approver.getByLabel("Comment for the record").fill("CAB: go");
  await approver.getByRole("button", { name: "Approve" }).click();
  await expect(approver.getByTestId("decision")).toContainText("by approver@example.com");
  await cab.close();

  await page.goto(templateUrl);
  await expect(page.getByTestId("change-status")).toContainText("Approved: the upgrade to 2.0.0 may start in its window.");
  await page.getByRole("button", { name: "Upgrade now" }).click();
  await page.getByRole("button", { name: "Upgrade to 2.0.0 now" }).click();
  // Two at a time (a canary of one first), two seconds each: members go pending → upgrading → in
  // sync, and the page follows. It refreshes every 3 s, so it may never catch the moment when both
  // of a pair are upgrading: any count within the limit is the page following. The limit itself is
  // checked to the member in rollout.test.ts.
  await expect(counts.locator('[data-state="UPGRADING"]')).toHaveText(/^[12]$/, { timeout: 20_000 });
  await page.screenshot({ path: testInfo.outputPath("template-upgrading.png"), fullPage: true });
  await expect(counts.locator('[data-state="IN_SYNC"]')).toHaveText("6", { timeout: 45_000 });
  await expect(page.getByText("2.0.0 × 6")).toBeVisible();
  await expect(page.getByRole("table", { name: "Upgrade runs" })).toContainText("Completed");
  await expect(page.getByRole("table", { name: "Upgrade runs" })).toContainText("Canary of 3 passed");
  await page.screenshot({ path: testInfo.outputPath("template-done.png"), fullPage: true });

  // The audit log has each member's upgrade.
  await page.goto(`/audit?action=template.member-upgraded`);
  await expect(page.getByText(members[0]!).first()).toBeVisible();
  noErrors();
});

test("the demo templates show their states; a viewer sees no version controls", async ({ page }, testInfo) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/templates");
  const table = page.getByRole("table", { name: "Fleet templates" });
  await expect(table.getByRole("row", { name: /Kafka clusters/ })).toContainText("Partially applied");
  await expect(table.getByRole("row", { name: /PostgreSQL clusters/ })).toContainText("In sync");
  await page.screenshot({ path: testInfo.outputPath("templates.png"), fullPage: true });
  await table.getByRole("link", { name: "Kafka clusters" }).click();
  await expect(page.getByText(/Partially applied: \d+ member\(s\) are not on 3\.9\.0/)).toBeVisible();
  await expect(page.getByLabel("New target version")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Upgrade now" })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("template-partial.png"), fullPage: true });

  // The pending Kubernetes upgrade was set today: its customers are told now, less than two weeks ahead.
  await page.goto("/templates");
  await table.getByRole("link", { name: "Kubernetes clusters" }).click();
  await expect(page.getByTestId("upgrade-window")).toContainText("Upgrade to 1.31.2 in:");
  const notices = page.getByRole("region", { name: "Customer notices" });
  await expect(notices.getByTestId("template-notices")).toContainText(/Announcement: Waiting to send × \d+/);
  await expect(notices.getByText(/^Short notice: customers were told of this date only \d+ day\(s\) before it/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("template-notices.png"), fullPage: true });
  // The notices themselves hold customers' addresses: not a viewer's to read (decision 017); an approver's.
  expect((await page.request.get("/api/v1/notifications")).status()).toBe(403);
  await signOut(page);
  await signIn(page, "approver@example.com");
  // Newest first, 50 a page: other tests' notices may come before it.
  type Notice = { subject: string; template: { name: string } | null; version: string | null };
  let found: Notice | undefined;
  let cursor: string | null = null;
  do {
    const answer = (await (await page.request.get(`/api/v1/notifications${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`)).json()) as {
      items: Notice[];
      next: string | null;
    };
    found = answer.items.find((n) => n.template?.name === "Kubernetes clusters");
    cursor = answer.next;
  } while (!found && cursor);
  expect(found).toMatchObject({
    version: "1.31.2",
    subject: expect.stringMatching(/^Planned maintenance: upgrade of Kubernetes clusters to 1\.31\.2 on /),
  });
});

test("an admin reads the access platform's upgrade plan on a timeline and edits its components; a bad line is refused and kept", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "admin@example.com");
  await page.goto("/templates");
  await page.getByRole("table", { name: "Fleet templates" }).getByRole("link", { name: "Secure access platform" }).click();
  await expect(page.getByTestId("plan-summary")).toContainText("clients → agents → controllers → gateways");
  await page.getByTestId("plan-summary").getByRole("link", { name: "See the plan" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Upgrade plan: Secure access platform" })).toBeVisible();
  const timeline = page.getByTestId("plan-timeline");
  await expect(timeline.getByRole("listitem")).toHaveCount(5); // four components and the window
  await expect(page.getByText("4 h 10 min in all")).toBeVisible();
  // Controllers: one node at a time, the secondary first; gateways: two server types side by side.
  const controllers = page.getByRole("region", { name: "controllers: access-mediation-controller" });
  await expect(controllers.getByRole("listitem").filter({ hasText: "Step 1" })).toContainText("prd-access-mc-2");
  await expect(controllers.getByRole("listitem").filter({ hasText: "Step 2" })).toContainText("prd-access-mc-1");
  await expect(page.getByRole("region", { name: /^gateways: / })).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("template-plan.png"), fullPage: true });

  const form = page.getByRole("form", { name: "Upgrade plan components" });
  const text = form.getByLabel("Components, in upgrade order");
  await text.fill("clients, 5\nagents five\ncontrollers, 60\ngateways, 60");
  await form.getByRole("button", { name: "Save plan" }).click();
  await expect(form.getByText('Line 2: write "name, minutes", e.g. "controllers, 60".')).toBeVisible();
  await expect(text).toHaveValue("clients, 5\nagents five\ncontrollers, 60\ngateways, 60");
  await text.fill("clients, 5\nagents, 5\ncontrollers, 30\ngateways, 45");
  await form.getByRole("button", { name: "Save plan" }).click();
  await expect(form.getByText("Saved: the next rollout follows this plan.")).toBeVisible();
  await expect(page.getByText("2 h 40 min in all")).toBeVisible(); // 5 + 5 + 2 × 30 + 2 × 45
  const id = /templates\/([^/]+)\/plan/.exec(page.url())![1]!;
  const api = (await (await page.request.get(`/api/v1/templates/${id}/plan`)).json()) as {
    components: { name: string; downtimeMinutes: number }[];
    plan: { totalMinutes: number };
    fitsWindow: boolean;
  };
  expect(api).toMatchObject({
    components: [
      { name: "clients", downtimeMinutes: 5 },
      { name: "agents", downtimeMinutes: 5 },
      { name: "controllers", downtimeMinutes: 30 },
      { name: "gateways", downtimeMinutes: 45 },
    ],
    plan: { totalMinutes: 160 },
    fitsWindow: true,
  });
  noErrors();
});
