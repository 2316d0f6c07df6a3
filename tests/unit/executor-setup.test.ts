import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { displayUrl, executorSetup, executorStartupLines } from "@/lib/rollout/setup";

const dir = mkdtempSync(path.join(tmpdir(), "executor-setup-"));
const key = path.join(dir, "id_ed25519");
writeFileSync(key, "not really a key", { mode: 0o600 });

describe("what each executor needs", () => {
  it("ssh: a readable key file and a known hosts file, each named with what is wrong", async () => {
    const setup = await executorSetup("ssh", parseEnv({ PATCHPARTY_SSH_KEY_FILE: key, PATCHPARTY_SSH_KNOWN_HOSTS: path.join(dir, "missing") }));
    expect(setup.ready).toBe(false);
    expect(setup.checks).toEqual([
      { what: "Private key file", ok: true, detail: `PATCHPARTY_SSH_KEY_FILE=${key}` },
      { what: "Known hosts file", ok: false, detail: `PATCHPARTY_SSH_KNOWN_HOSTS=${path.join(dir, "missing")}: no such file` },
    ]);
    expect((await executorSetup("ssh", parseEnv({}))).checks.map((c) => c.detail)).toEqual([
      "PATCHPARTY_SSH_KEY_FILE is not set",
      "PATCHPARTY_SSH_KNOWN_HOSTS is not set",
    ]);
  });

  it("webhook: shows the URL without credentials or query, and never the secret", async () => {
    const secret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
    const setup = await executorSetup(
      "webhook",
      parseEnv({ PATCHPARTY_WEBHOOK_URL: "https://bot:pw@awx.example.com/api/v2/hook?token=t0k", PATCHPARTY_WEBHOOK_SECRET: secret }),
    );
    expect(setup.ready).toBe(true);
    expect(setup.checks[0]?.detail).toBe("https://awx.example.com/api/v2/hook?…");
    expect(JSON.stringify(setup)).not.toMatch(/pw|t0k|whsec_/);
    expect(displayUrl("http://hooks.internal:8080/patch")).toBe("http://hooks.internal:8080/patch");
  });

  it("ansible: the playbook shipped with PatchParty unless one is named, a named one must be readable", async () => {
    const byDefault = (await executorSetup("ansible", parseEnv({}))).checks.find((c) => c.what === "Playbook");
    expect(byDefault).toEqual({
      what: "Playbook",
      ok: true,
      detail: expect.stringMatching(/\/ansible\/patch\.yml \(the default: PATCHPARTY_ANSIBLE_PLAYBOOK is not set\)$/),
    });
    const missing = (await executorSetup("ansible", parseEnv({ PATCHPARTY_ANSIBLE_PLAYBOOK: path.join(dir, "site.yml") }))).checks.find(
      (c) => c.what === "Playbook",
    );
    expect(missing).toEqual({ what: "Playbook", ok: false, detail: `PATCHPARTY_ANSIBLE_PLAYBOOK=${path.join(dir, "site.yml")}: no such file` });
  });

  it("manual and simulated need nothing", async () => {
    expect(await executorSetup("manual", parseEnv({}))).toEqual({ name: "manual", checks: [], ready: true });
    expect(await executorSetup("simulated", parseEnv({}))).toEqual({ name: "simulated", checks: [], ready: true });
  });
});

describe("what start-up says", () => {
  const ready = { name: "manual" as const, checks: [], ready: true };

  it("names the executor and why; on the demo data, that outcomes are simulated", () => {
    expect(executorStartupLines({ name: "manual", why: "the default: nothing runs until an executor is configured" }, false, ready)).toEqual([
      "Executor: manual (the default: nothing runs until an executor is configured).",
    ]);
    expect(executorStartupLines({ name: "simulated", why: "the database holds the demo data" }, true, { ...ready, name: "simulated" })).toEqual([
      "Executor: simulated (the database holds the demo data).",
      "The database holds the demo data: outcomes are simulated, no server is patched.",
    ]);
    expect(executorStartupLines({ name: "simulated", why: "PATCHPARTY_EXECUTOR" }, false, { ...ready, name: "simulated" })[1]).toBe(
      "Outcomes are simulated: no server is patched.",
    );
  });

  it("says what a configured executor still lacks", () => {
    const lines = executorStartupLines({ name: "ssh", why: "PATCHPARTY_EXECUTOR" }, false, {
      name: "ssh",
      ready: false,
      checks: [{ what: "Private key file", ok: false, detail: "PATCHPARTY_SSH_KEY_FILE is not set" }],
    });
    expect(lines).toEqual(["Executor: ssh (set by PATCHPARTY_EXECUTOR).", "  Not ready: Private key file: PATCHPARTY_SSH_KEY_FILE is not set."]);
  });
});
