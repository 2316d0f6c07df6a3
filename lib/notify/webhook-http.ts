// Event webhooks over HTTP: where a URL's host leads (refused when it is loopback or private,
// unless PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE=1) and one POST to it. The check is made on the
// addresses the connection really uses (a lookup the socket calls), not only at registration:
// a host name that resolved to a public address then may resolve to 127.0.0.1 now.
import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { isPrivateAddress } from "../domain/webhooks";
import { env } from "../env";

/** How long one try waits for the receiver's answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of an answer is kept to show on the page. */
export const ANSWER_EXCERPT = 500;

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

const refusal = (host: string, address: string) =>
  `${host} is ${host === address ? "" : `at ${address}, `}a loopback or private address: webhooks may not reach the internal network`;

/**
 * Why `url` may not receive webhooks (its host resolves to a loopback or private address, or
 * does not resolve), or null when it may. Every address the name resolves to is checked.
 */
export async function urlRefusal(url: string, allowPrivate = env().PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE): Promise<string | null> {
  if (allowPrivate) return null;
  const host = hostOf(new URL(url));
  if (isIP(host)) return isPrivateAddress(host) ? refusal(host, host) : null;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    return `${host} does not resolve (${(error as { code?: string }).code ?? "no address"})`;
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? refusal(host, bad.address) : null;
}

class PrivateAddress extends Error {}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The socket's lookup: the system's, refusing a name that leads to a private address. */
function guardedLookup(hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true, verbatim: true } as { all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddress(refusal(hostname, bad.address)) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}

/** What a receiver did with one try: `ok` for a 2xx; `status` null when it never answered. */
export type WebhookAnswer = { ok: boolean; status: number | null; answer: string };

/** POSTs `body` to `url` once; never throws. Redirects are not followed (the signed body would go elsewhere, as a GET). */
export async function postWebhook(url: string, headers: Record<string, string>, body: string): Promise<WebhookAnswer> {
  const allowPrivate = env().PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE;
  const target = new URL(url);
  const host = hostOf(target);
  // A name is checked by the socket's lookup; an address here, as the socket would not look it up.
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) return { ok: false, status: null, answer: `Not sent: ${refusal(host, host)}.` };
  const client = target.protocol === "https:" ? https : http;
  return new Promise<WebhookAnswer>((resolve) => {
    let settled = false;
    const done = (answer: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const request = client.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        timeout: WEBHOOK_TIMEOUT_MS,
        ...(allowPrivate ? {} : { lookup: guardedLookup as unknown as typeof dnsLookup }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (text.length < ANSWER_EXCERPT * 4) text += chunk;
        });
        response.on("end", () => {
          const excerpt = text.replace(/\s+/g, " ").trim().slice(0, ANSWER_EXCERPT);
          const ok = status >= 200 && status < 300;
          const redirect = status >= 300 && status < 400 ? ` (a redirect to ${response.headers.location ?? "?"}: not followed)` : "";
          done({ ok, status, answer: `${excerpt}${redirect}`.trim() });
        });
        response.on("error", (error) => done({ ok: false, status, answer: `The answer broke off: ${error.message}` }));
      },
    );
    request.on("timeout", () => {
      request.destroy();
      done({ ok: false, status: null, answer: `No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s.` });
    });
    request.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      done({
        ok: false,
        status: null,
        answer: error instanceof PrivateAddress ? `Not sent: ${error.message}.` : `The request failed (${code ?? error.message}).`,
      });
    });
    request.end(body);
  });
}
