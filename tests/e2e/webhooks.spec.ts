import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { failOnConsoleErrors, fromThePortal, signIn } from "./helpers";

test("an admin registers a standard webhook, sees its secret once, and sees a delivery with the receiver's answer", async ({ page }, testInfo) => {
  const noErrors = failOnConsoleErrors(page);
  // The receiver: checks the signature with the secret the page showed, and answers so.
  let secret = "";
  const verified: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      try {
        const event = new Webhook(secret).verify(body, request.headers as Record<string, string>) as { type: string };
        verified.push(event.type);
        response.writeHead(200).end(`verified ${event.type}`);
      } catch {
        response.writeHead(401).end("bad signature");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/patchparty`;
  try {
    await signIn(page, "admin@example.com");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
    await page.getByLabel("URL").fill(url);
    await page.getByLabel("Description (optional)").fill("e2e receiver");
    await page.getByLabel("change.submitted").check();
    await page.getByRole("button", { name: "Register webhook" }).click();
    await expect(page.getByText("Webhook registered. Copy its signing secret now")).toBeVisible();
    secret = (await page.getByTestId("new-webhook-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await expect(page.getByTestId("webhooks").getByRole("row").filter({ hasText: "e2e receiver" })).toContainText("change.submitted");
    // Once: not after a reload, nor in the API.
    await page.reload();
    await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    expect(await (await page.request.get("/api/v1/webhooks")).text()).not.toContain(secret);

    // Something happens: a change is submitted to the approvers.
    // A stored production party no other spec opens a change for: not the first (changes.spec), from the second on.
    const parties = (await (await page.request.get("/api/v1/parties?from=2026-12-01&to=2028-12-31")).json()) as {
      tag: string;
      kind: string;
      status: string;
      change: unknown;
    }[];
    const candidates = parties.filter((p) => p.kind === "production" && p.status === "planned" && p.change === null).slice(1);
    let opened = null;
    for (const target of candidates) {
      const response = await page.request.post("/api/v1/changes", { data: { partyTag: target.tag }, headers: fromThePortal(page) });
      if (response.status() === 201) {
        opened = response;
        break;
      }
    }
    expect(opened, "a stored production party to open a change for").not.toBeNull();
    const { id } = (await opened!.json()) as { id: string };
    expect((await page.request.post(`/api/v1/changes/${id}/submit`, { data: {}, headers: fromThePortal(page) })).status()).toBe(200);

    // The worker delivers it; the page shows the delivery with the receiver's answer.
    await expect.poll(() => verified, { timeout: 20_000 }).toEqual(["change.submitted"]);
    await expect(async () => {
      await page.reload();
      const row = page.getByTestId("deliveries").getByRole("row").filter({ hasText: "change.submitted" }).first();
      await expect(row).toContainText("delivered", { timeout: 1000 });
      await expect(row).toContainText("200");
      await expect(row).toContainText("verified change.submitted");
    }).toPass({ timeout: 20_000 });
    await page.screenshot({ path: testInfo.outputPath("webhooks.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("webhooks-phone.png"), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    noErrors();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
