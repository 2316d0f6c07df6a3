// scripts/request-edge.mjs, preloaded into every web process: before the server sees a request it
// sets the peer address (never the client's say), gives a page a fresh nonce on the request and the
// same policy on the answer, and sends signed-out visitors to sign in. A tiny HTTP server that
// echoes what it received stands in for Next (the e2e tests run the real one: security-headers.spec.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/lib/database/embedded";

const dir = mkdtempSync(path.join(tmpdir(), "request-edge-"));
const echo = path.join(dir, "echo.mjs");
writeFileSync(
  echo,
  `import http from "node:http";
   http.createServer((req, res) => {
     res.setHeader("content-type", "application/json");
     res.end(JSON.stringify({ peer: req.headers["x-patchparty-peer"], csp: req.headers["content-security-policy"] ?? null, report: req.headers["content-security-policy-report-only"] ?? null }));
   }).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));`,
);

let server: ChildProcess;
let base = "";
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ["--import", path.resolve("scripts/request-edge.mjs"), echo], {
    env: { ...process.env, PORT: String(port), NODE_ENV: "production", NEXTAUTH_URL: "https://patchparty.example.com" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => server.stdout!.once("data", () => resolve()));
});
afterAll(() => {
  server?.kill("SIGKILL");
});

type Echo = { peer: string; csp: string | null; report: string | null };
const SIGNED_IN = { cookie: "next-auth.session-token=opaque" };
const CHOSEN = {
  "content-security-policy": "script-src 'nonce-chosen'",
  "content-security-policy-report-only": "script-src 'nonce-chosen'",
  "x-patchparty-peer": "6.6.6.6",
};
const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

describe("the request edge", () => {
  it("a signed-in page: the connection's address, and a nonce of ours on the request and the answer, whatever the client sent", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(`${base}/resources?sort=group`, { headers: { ...SIGNED_IN, ...CHOSEN } });
      const got = (await answer.json()) as Echo;
      expect(got.peer).toBe("127.0.0.1");
      expect(got.report).toBeNull();
      const policy = answer.headers.get("content-security-policy");
      expect(got.csp).toBe(policy);
      expect(nonceOf(policy)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      seen.add(nonceOf(policy)!);
      expect(policy).toContain("upgrade-insecure-requests"); // NEXTAUTH_URL is https here
      expect(answer.headers.get("x-frame-options")).toBe("DENY");
      expect(answer.headers.get("strict-transport-security")).toBe("max-age=63072000");
    }
    expect(seen.size).toBe(3);
  });

  it("signed out: a page is answered by a redirect to sign in, with the way back and the headers; the server never sees it", async () => {
    const answer = await fetch(`${base}/changes?state=submitted`, { redirect: "manual", headers: CHOSEN });
    expect(answer.status).toBe(307);
    expect(answer.headers.get("location")).toBe("/signin?callbackUrl=%2Fchanges%3Fstate%3Dsubmitted");
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
    expect(await answer.text()).toBe("");
    const signIn = await fetch(`${base}/signin`, { redirect: "manual" });
    expect(signIn.status).toBe(200);
    expect(nonceOf(((await signIn.json()) as Echo).csp)).toBeTruthy();
  });

  it("the API and prefetches get the peer address and no page policy; a policy the client sent is dropped", async () => {
    const api = await fetch(`${base}/api/v1/resources`, { headers: CHOSEN });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({ peer: "127.0.0.1", csp: null, report: null });
    expect(api.headers.get("content-security-policy")).toBeNull();
    const prefetch = await fetch(`${base}/resources`, { headers: { ...SIGNED_IN, ...CHOSEN, "next-router-prefetch": "1" } });
    expect(await prefetch.json()).toEqual({ peer: "127.0.0.1", csp: null, report: null });
  });
});
