import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectNotFound, signIn } from "./helpers";

// Issue 21, point 3: a person's teams bound what they can see. The demo's owner@example.com is in
// Payments and Identity (prisma/seed.ts); every other team's server names must appear in no page
// they can reach by following the portal's links, and in no API answer, export or feed they can ask
// for. The names come from the viewer, who reads every team's servers.
const OWN_TEAMS = new Set(["Payments", "Identity"]);
/** How many pages of one shape (first path segment, depth, query keys) the crawl opens. */
const PER_SHAPE = 4;
const MAX_PAGES = 90;

type Listed = { name: string; team: string };

async function allResources(request: APIRequestContext): Promise<Listed[]> {
  const rows: Listed[] = [];
  let cursor: string | null = null;
  do {
    const answer = await request.get(`/api/v1/resources?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(answer.status()).toBe(200);
    const body = (await answer.json()) as { items: Listed[]; nextCursor: string | null };
    rows.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return rows;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A server's name standing alone: not the start of a longer name (`web-1` in `web-10`), nor a domain's first label. */
const namesIn = (names: string[]) => new RegExp(`(?<![\\w.-])(${names.map(escape).join("|")})(?![\\w-]|\\.\\w)`, "g");

function shape(path: string) {
  const url = new URL(path, "http://portal");
  const segments = url.pathname.split("/").filter(Boolean);
  return `${segments[0] ?? ""}/${segments.length}?${[...url.searchParams.keys()].sort().join("&")}`;
}

test("an owner reads no other team's server names in any page, API answer, export or feed", async ({ browser, page }) => {
  test.setTimeout(900_000);
  const viewer = await browser.newPage();
  await signIn(viewer, "viewer@example.com");
  const everyone = await allResources(viewer.request);
  await viewer.close();
  const foreign = everyone.filter((r) => !OWN_TEAMS.has(r.team)).map((r) => r.name);
  const own = everyone.filter((r) => OWN_TEAMS.has(r.team)).map((r) => r.name);
  expect(foreign.length).toBeGreaterThan(100);
  expect(own.length).toBeGreaterThan(100);
  const pattern = namesIn(foreign);
  // The check itself finds a name where there is one.
  expect(`<td>${foreign[7]}</td>`.match(pattern)).toEqual([foreign[7]]);

  await signIn(page, "owner@example.com");
  const leaks: string[] = [];
  const check = (where: string, body: string) => {
    const found = [...new Set([...body.matchAll(pattern)].map((m) => m[1]))];
    if (found.length) leaks.push(`${where}: ${found.slice(0, 5).join(", ")}${found.length > 5 ? ` and ${found.length - 5} more` : ""}`);
  };

  // The owner's own list holds their teams' servers, all of them.
  const mine = await allResources(page.request);
  expect(new Set(mine.map((r) => r.team))).toEqual(OWN_TEAMS);
  expect(mine.length).toBe(own.length);

  // ---- every page the portal's links lead to ----
  const queue = [
    "/",
    "/calendar",
    "/resources",
    "/resources/long-exclusions",
    "/my-patch-day",
    "/notifications",
    "/compliance",
    "/templates",
    "/changes",
    "/policies",
    "/freezes",
  ];
  const seen = new Set<string>();
  const perShape = new Map<string, number>();
  let opened = 0;
  while (queue.length && opened < MAX_PAGES) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const key = shape(path);
    if ((perShape.get(key) ?? 0) >= PER_SHAPE) continue;
    perShape.set(key, (perShape.get(key) ?? 0) + 1);
    opened++;
    if (path.startsWith("/api/")) {
      const answer = await page.request.get(path);
      check(path, await answer.text());
      continue;
    }
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    check(path, await page.content());
    const links = await page.locator("a[href^='/']").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    for (const href of links) {
      const clean = href.split("#")[0]!;
      if (!clean || clean.startsWith("/api/auth") || clean.startsWith("/signin") || clean.startsWith("/api/docs") || seen.has(clean)) continue;
      queue.push(clean);
    }
  }
  expect(opened).toBeGreaterThan(30);

  // ---- the API, exports and feeds, whether or not a page links them ----
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const partiesPath = `/api/v1/parties?from=${day(-200)}&to=${day(200)}`;
  const parties = (await (await page.request.get(partiesPath)).json()) as { tag: string; kind: string }[];
  const templates = (await (await page.request.get("/api/v1/templates")).json()) as { id: string }[];
  expect(parties.length).toBeGreaterThan(0);
  expect(templates.length).toBeGreaterThan(0);
  const answers = [
    "/api/v1/resources.csv",
    partiesPath,
    "/api/v1/templates",
    "/api/v1/conflicts",
    "/api/v1/notifications",
    "/api/v1/compliance",
    "/api/v1/compliance.csv",
    "/api/v1/compliance/deadlines",
    "/api/v1/changes",
    "/api/v1/calendar.ics?windows=1",
    "/api/v1/calendar.ics?environment=production&group=2",
    ...parties.flatMap((p) => [
      `/api/v1/parties/${p.tag}/${p.kind}`,
      `/api/v1/parties/${p.tag}/${p.kind}/resources.csv`,
      `/api/v1/parties/${p.tag}/${p.kind}/forecast`,
      `/api/v1/executions?party=${p.tag}&kind=${p.kind}`,
    ]),
    ...templates.flatMap((t) => [
      `/api/v1/templates/${t.id}`,
      `/api/v1/templates/${t.id}/members`,
      `/api/v1/templates/${t.id}/member-events`,
      `/api/v1/templates/${t.id}/plan`,
      `/api/v1/executions?template=${t.id}`,
    ]),
  ];
  for (const path of answers) {
    const answer = await page.request.get(path);
    expect.soft(answer.status(), path).toBeLessThan(500);
    check(path, await answer.text());
  }

  // ---- another team's server, asked for by name, is not there ----
  const stranger = foreign[11]!;
  expect((await page.request.get(`/api/v1/resources/${stranger}`)).status()).toBe(404);
  expect((await page.request.get(`/api/v1/resources/${stranger}/updates`)).status()).toBe(404);
  expect((await page.request.get(`/api/v1/calendar.ics?resource=${stranger}`)).status()).toBe(404);
  await expectNotFound(page, `/resources/${stranger}`);

  expect(leaks, "pages and answers naming another team's servers").toEqual([]);
});
