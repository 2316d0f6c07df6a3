import { expect, test } from "@playwright/test";
import { failOnConsoleErrors, signIn } from "./helpers";

test("a party slot that patches servers of a template during its upgrade window is flagged on the party, template and calendar pages", async ({
  page,
}, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  await signIn(page, "viewer@example.com");
  const { items } = (await (await page.request.get("/api/v1/conflicts")).json()) as {
    items: {
      kind: string;
      party: { tag: string; kind: string };
      group?: number;
      slot?: { startsAt: string };
      template?: { id: string; name: string };
      servers?: { count: number };
      fix: string;
    }[];
  };
  // The demo's Kafka brokers are upgraded every other Sunday night, 8 hours long: some production party overlaps.
  // Within the six months the template page lists, in a party that has not started (a party lasts a
  // day: on a party's own day its page no longer flags what is under way).
  const clash = items.find(
    (i) =>
      i.kind === "template-window" && Date.parse(i.slot!.startsAt) > Date.now() + 86_400_000 && Date.parse(i.slot!.startsAt) < Date.now() + 150 * 86_400_000,
  )!;
  expect(clash).toBeDefined();
  expect(clash.servers!.count).toBeGreaterThan(0);
  expect(clash.fix.length).toBeGreaterThan(20);

  await page.goto(`/parties/${clash.party.tag}/${clash.party.kind}`);
  const alert = page.getByTestId("window-conflict");
  await expect(alert).toContainText(`Group ${clash.group}'s slot overlaps the upgrade window of ${clash.template!.name}`);
  await expect(alert).toContainText("would be patched and upgraded at once");
  await page.screenshot({ path: testInfo.outputPath("party-conflict.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: testInfo.outputPath("party-conflict-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await alert.getByRole("link", { name: clash.template!.name }).click();
  await expect(page.getByTestId("window-conflict")).toContainText(`${clash.party.tag} ${clash.party.kind}`);

  const [year, quarter] = clash.party.tag.split("-Q");
  await page.goto(`/calendar?view=agenda&date=${year}-${String((Number(quarter) - 1) * 3 + 1).padStart(2, "0")}`);
  const row = page
    .getByRole("table", { name: /^Patch Parties/ })
    .getByRole("row")
    .filter({ hasText: clash.party.tag })
    .filter({ hasText: clash.party.kind === "production" ? "Production" : "QA" });
  await expect(row).toContainText(`overlaps the upgrade window of`);
  noErrors();
});
