// Preloaded into every web process (scripts/web-cluster.mjs): each request carries the address of
// the connection it came on in `x-patchparty-peer`, set here and so never taken from the client.
// Next sets `x-forwarded-for` only when the client did not send one, so that header alone lets a
// client choose its own address, and the per-address sign-in limit (lib/auth/sign-in-limits.ts)
// needs one the client cannot choose. Behind a reverse proxy, PATCHPARTY_TRUSTED_PROXIES says how
// many proxies' entries of `x-forwarded-for` to trust instead.
import http from "node:http";

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, ...rest) {
  if (event === "request" && request?.headers) request.headers["x-patchparty-peer"] = request.socket?.remoteAddress ?? "";
  return emit.call(this, event, request, ...rest);
};
