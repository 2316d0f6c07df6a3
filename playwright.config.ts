import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { OIDC } from "./tests/e2e/oidc-provider";

const PORT = 3100;
// A second server for tests/e2e/mfa.spec.ts, where two-factor sign-in is required of admins and
// approvers (PATCHPARTY_MFA=privileged, the default): the other specs sign in as demo admins with
// a password only, so their server has it off. Its own port and its own throw-away database.
const MFA_PORT = 3101;
const chromium = process.env.PLAYWRIGHT_CHROMIUM ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 30_000,
  projects: [
    { name: "portal", testIgnore: /mfa\.spec\.ts$/, use: { baseURL: `http://localhost:${PORT}` } },
    { name: "two-factor", testMatch: /mfa\.spec\.ts$/, use: { baseURL: `http://localhost:${MFA_PORT}` } },
  ],
  use: {
    // A zone that is not UTC, so pages show both.
    timezoneId: "America/New_York",
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not reachable here.
      executablePath: existsSync(chromium) ? chromium : undefined,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  // The real `npm start` path on a throw-away embedded database: migrations, demo data, next start.
  webServer: [
    {
      command: "node_modules/.bin/tsx scripts/start.ts",
      url: `http://127.0.0.1:${PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
      env: {
        PORT: String(PORT),
        PATCHPARTY_EPHEMERAL_DB: "1",
        PATCHPARTY_DB_PORT: "54401",
        NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
        NEXTAUTH_URL: `http://localhost:${PORT}`,
        NEXT_TELEMETRY_DISABLED: "1",
        // Fast, always-successful simulated upgrades, so a test can watch a rollout end.
        PATCHPARTY_SIM_SECONDS: "2",
        PATCHPARTY_SIM_FAILURE_RATE: "0",
        PATCHPARTY_ROLLOUT_TICK_SECONDS: "1",
        // Party slots open on real Thursdays and Sundays; the tests must not depend on the day they run.
        PATCHPARTY_PARTY_ROLLOUTS: "off",
        // Event webhooks to the receiver tests/e2e/webhooks.spec.ts starts on 127.0.0.1.
        PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE: "1",
        // SSO against the local provider that tests/e2e/sso.spec.ts starts.
        OIDC_ISSUER: OIDC.issuer,
        OIDC_CLIENT_ID: OIDC.clientId,
        OIDC_CLIENT_SECRET: OIDC.clientSecret,
        OIDC_NAME: OIDC.name,
        // The specs sign in as demo admins with a password only; mfa.spec.ts has its own server.
        PATCHPARTY_MFA: "off",
      },
    },
    {
      command: "node_modules/.bin/tsx scripts/start.ts",
      url: `http://127.0.0.1:${MFA_PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
      env: {
        PORT: String(MFA_PORT),
        PATCHPARTY_EPHEMERAL_DB: "1",
        PATCHPARTY_DB_PORT: "54402",
        NEXTAUTH_SECRET: "e2e-mfa-secret-e2e-mfa-secret-e2e-mfa-secret",
        NEXTAUTH_URL: `http://localhost:${MFA_PORT}`,
        NEXT_TELEMETRY_DISABLED: "1",
        PATCHPARTY_PARTY_ROLLOUTS: "off",
        PATCHPARTY_MFA: "privileged",
      },
    },
  ],
});
