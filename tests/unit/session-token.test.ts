import { encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeSessionToken } from "@/lib/auth/session-token";

const secret = "unit-secret-unit-secret-unit-secret-0";

afterEach(() => {
  vi.useRealTimers();
});

describe("the session token, decrypted once per process", () => {
  it("answers the token next-auth encoded, the same on every use", async () => {
    const token = await encode({ token: { uid: "user-1", role: "ADMIN" }, secret, maxAge: 600 });
    const first = await decodeSessionToken({ token, secret });
    expect(first).toMatchObject({ uid: "user-1", role: "ADMIN" });
    expect(await decodeSessionToken({ token, secret })).toBe(first);
  });

  it("refuses a token that was tampered with, or made with another secret", async () => {
    const token = await encode({ token: { uid: "user-2" }, secret, maxAge: 600 });
    const tampered = `${token.slice(0, -3)}${token.endsWith("AAA") ? "BBB" : "AAA"}`;
    await expect(decodeSessionToken({ token: tampered, secret })).rejects.toThrow();
    await expect(decodeSessionToken({ token, secret: `${secret}-other` })).rejects.toThrow();
    expect(await decodeSessionToken({ token: "", secret })).toBeNull();
  });

  it("stops answering a remembered token once it has expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T10:00:00Z"));
    const token = await encode({ token: { uid: "user-3" }, secret, maxAge: 60 });
    expect(await decodeSessionToken({ token, secret })).toMatchObject({ uid: "user-3" });
    vi.setSystemTime(new Date("2026-12-01T10:02:00Z"));
    expect(await decodeSessionToken({ token, secret })).toBeNull();
  });
});
