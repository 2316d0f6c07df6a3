// Preloaded into every web process (`--import`: scripts/web-cluster.mjs in production, NODE_OPTIONS
// from scripts/start.ts under `npm run dev`). Two things happen here to every request before Next
// sees it, in microseconds:
//
// 1. The peer address. Each request carries the address of the connection it came on in
//    `x-patchparty-peer`, set here and so never taken from the client. Next sets
//    `x-forwarded-for` only when the client did not send one, so that header alone lets a client
//    choose its own address, and the per-address sign-in limit (lib/auth/sign-in-limits.ts) needs
//    one the client cannot choose. Behind a reverse proxy, PATCHPARTY_TRUSTED_PROXIES says how
//    many proxies' entries of `x-forwarded-for` to trust instead.
// 2. A page's edge (`pageEdge`, lib/security-headers.mjs): a fresh CSP nonce on the request, where
//    Next reads it and puts it on its scripts as it renders (its `getScriptNonceFromHeaders`; the
//    mechanism of node_modules/next/dist/docs/01-app/02-guides/content-security-policy.md), the
//    policy and the security headers on the answer, and signed-out visitors sent to sign in.
//    This was Next's `proxy.ts`, whose adapter (a cloned request, a response to merge) cost 10–19 %
//    of every page's throughput (docs/benchmarks.md, issue 19 run 6; decision 017).
// A header the client sent under either name is dropped first: the nonce is always ours.
import http from "node:http";
import { pageEdge, servedOverHttps } from "../lib/security-headers.mjs";

/** Read once, at the first request: Next sets NODE_ENV before it serves. */
let settings;

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response, ...rest) {
  if (event === "request" && request?.headers) {
    const headers = request.headers;
    headers["x-patchparty-peer"] = request.socket?.remoteAddress ?? "";
    delete headers["content-security-policy"];
    delete headers["content-security-policy-report-only"];
    settings ??= { https: servedOverHttps(process.env.NEXTAUTH_URL), dev: process.env.NODE_ENV === "development" };
    const prefetch = headers["next-router-prefetch"] !== undefined || headers.purpose === "prefetch";
    const edge = pageEdge({ url: request.url, cookie: headers.cookie, prefetch }, settings);
    if (edge) {
      if (edge.redirect) {
        response.writeHead(307, { ...edge.headers, Location: edge.redirect, "Content-Length": "0" });
        response.end();
        return true;
      }
      headers["content-security-policy"] = edge.policy;
      for (const [name, value] of Object.entries(edge.headers)) response.setHeader(name, value);
    }
  }
  return emit.call(this, event, request, response, ...rest);
};
