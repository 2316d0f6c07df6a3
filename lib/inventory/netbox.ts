// NetBox's REST API read directly: devices (GET /api/dcim/devices/) and virtual machines
// (GET /api/virtualization/virtual-machines/), a page at a time. The shapes are NetBox's
// documented ones (NetBox 4.x REST API documentation, "REST API Overview": a list is
// { count, next, previous, results }, `next` the URL of the following page or null; token
// authentication `Authorization: Token <token>`, and NetBox 4.5's v2 tokens
// `Authorization: Bearer nbt_<key>.<token>`). A device or VM carries id, name, status
// { value, label }, role (device_role before NetBox 3.6), tenant { name, slug }, site, cluster
// { name }, platform, primary_ip4 / primary_ip { address: "10.0.0.5/24" }, tags [{ name, slug }]
// and custom_fields { … }: the mapping reads them as field:… and cf:… (decision 021).
import "server-only";
import type { SourceHost } from "../domain/inventory";
import type { NetboxConfig } from "../validation/inventory";
import { SourceReadError } from "./ansible";

const PATHS = { devices: "/api/dcim/devices/", "virtual-machines": "/api/virtualization/virtual-machines/" } as const;
const ID_PREFIX = { devices: "device", "virtual-machines": "vm" } as const;
export const NETBOX_PAGE_SIZE = 1000;
const PAGE_TIMEOUT_MS = 60_000;
/** 2,000 pages of 1,000: far more than any NetBox holds; a `next` that never ends stops here. */
const MAX_PAGES = 2000;

/** The Authorization header for a token: a v2 token (nbt_…) is a Bearer token, an older one "Token". */
export const authorization = (token: string) => (token.startsWith("nbt_") ? `Bearer ${token}` : `Token ${token}`);

type Page = { count?: unknown; next?: unknown; results?: unknown };

async function fetchPage(url: string, token: string): Promise<Page> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: authorization(token), Accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(PAGE_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new SourceReadError(`NetBox did not answer at ${new URL(url).origin} (${cause}).`);
  }
  if (response.status === 401 || response.status === 403)
    throw new SourceReadError(`NetBox refused the token (${response.status}): check that it is valid and may read ${new URL(url).pathname}.`);
  if (!response.ok) throw new SourceReadError(`NetBox answered ${response.status} to ${new URL(url).pathname}.`);
  try {
    return (await response.json()) as Page;
  } catch {
    throw new SourceReadError(`NetBox's answer to ${new URL(url).pathname} was not JSON.`);
  }
}

/** Every device and/or VM the config names, following `next` from page to page. */
export async function readNetbox(config: NetboxConfig, token: string | null): Promise<SourceHost[]> {
  if (!token) throw new SourceReadError("The source has no NetBox token: set one on its page.");
  const base = new URL(config.url);
  const hosts: SourceHost[] = [];
  for (const objects of config.objects) {
    const first = new URL(`${base.pathname.replace(/\/+$/, "")}${PATHS[objects]}`, base.origin);
    for (const [key, value] of new URLSearchParams(config.filter)) first.searchParams.append(key, value);
    first.searchParams.set("limit", String(NETBOX_PAGE_SIZE));
    first.searchParams.set("offset", "0");
    let url: string | null = first.toString();
    for (let pages = 0; url; pages++) {
      if (pages >= MAX_PAGES) throw new SourceReadError(`NetBox kept sending pages of ${objects} (more than ${MAX_PAGES}).`);
      const page = await fetchPage(url, token);
      if (!Array.isArray(page.results)) throw new SourceReadError(`NetBox's answer to ${PATHS[objects]} has no results list.`);
      for (const item of page.results as Record<string, unknown>[]) {
        if (!item || typeof item !== "object" || (typeof item.id !== "number" && typeof item.id !== "string")) continue;
        const name = typeof item.name === "string" && item.name.trim() ? item.name.trim() : "";
        const tags = Array.isArray(item.tags)
          ? (item.tags as unknown[]).flatMap((t) =>
              t && typeof t === "object" && typeof (t as { slug?: unknown }).slug === "string" ? [(t as { slug: string }).slug] : [],
            )
          : [];
        hosts.push({ externalId: `${ID_PREFIX[objects]}:${item.id}`, name: name || `${ID_PREFIX[objects]}-${item.id}`, groups: tags.sort(), vars: item });
      }
      // `next` is an absolute URL: only one on NetBox's own origin is followed (the token goes with it).
      const next: unknown = page.next;
      if (typeof next === "string" && next) {
        const nextUrl = URL.canParse(next) ? new URL(next) : null;
        if (!nextUrl || nextUrl.hostname !== base.hostname) throw new SourceReadError("NetBox's next page is on another site: not followed.");
        // Behind a proxy NetBox may write its own scheme or port in `next`: the page is asked where the source says NetBox is.
        nextUrl.protocol = base.protocol;
        nextUrl.port = base.port;
        url = nextUrl.toString();
      } else url = null;
    }
  }
  return hosts;
}
