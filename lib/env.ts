// The one place that reads process.env. Every variable is validated with zod; a bad one stops
// the process with a message naming it.
import { z } from "zod";

const flag = z.enum(["1", "0", "true", "false"]).transform((value) => value === "1" || value === "true");

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// or postgresql:// connection URL")
      .optional(),
    // The owner's URL, for migrations and the grants to DATABASE_URL's role (docs/decisions/016).
    DATABASE_MIGRATION_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// or postgresql:// connection URL")
      .optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOSTNAME: optionalText,
    NEXTAUTH_URL: z.url("must be a URL such as http://localhost:3000").optional(),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    OIDC_ISSUER: z.url("must be the issuer URL of your OpenID Connect provider").optional(),
    OIDC_CLIENT_ID: optionalText,
    OIDC_CLIENT_SECRET: optionalText,
    OIDC_NAME: z.string().trim().min(1).max(40).default("SSO"),
    // The provider's `acr` values that mean a second factor was used (comma-separated), for
    // providers that say so there rather than in `amr` (decision 017).
    OIDC_MFA_ACR: z
      .string()
      .trim()
      .transform((value) =>
        value
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean),
      )
      .default([]),
    // Who must sign in with a second factor: admins and approvers (privileged), everyone (all),
    // or nobody (off, for a demo). An enrolled person is asked for their code whatever this says.
    PATCHPARTY_MFA: z.enum(["privileged", "all", "off"], { error: "must be privileged, all or off" }).default("privileged"),
    PATCHPARTY_DATA_DIR: z.string().trim().min(1).default(".data"),
    PATCHPARTY_DB_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    PATCHPARTY_EPHEMERAL_DB: flag.default(false),
    // auto: the demo data goes into the embedded default database only (never into DATABASE_URL's).
    PATCHPARTY_SEED: z.enum(["auto", "demo", "never"], { error: "must be auto, demo or never" }).default("auto"),
    PATCHPARTY_WEB_PROCESSES: z.coerce.number().int("must be a whole number").min(1, "must be 1 to 16").max(16, "must be 1 to 16").optional(),
    PATCHPARTY_WORKER: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
    PATCHPARTY_LOG_QUERIES: flag.default(false),
    // Set by the integration tests only (tests/setup/api-contract.ts): every /api/v1 answer is checked against the OpenAPI document.
    PATCHPARTY_API_CONTRACT: flag.default(false),
    // Unset: simulated when the database holds the demo data, manual otherwise (lib/rollout/executors.ts).
    PATCHPARTY_EXECUTOR: z
      .enum(["manual", "ssh", "ansible", "webhook", "simulated"], { error: "must be manual, ssh, ansible, webhook or simulated" })
      .optional(),
    PATCHPARTY_EXECUTION_CONCURRENCY: z.coerce.number().int().min(1, "must be 1 to 200").max(200, "must be 1 to 200").default(10),
    PATCHPARTY_SSH_KEY_FILE: optionalText,
    PATCHPARTY_SSH_KNOWN_HOSTS: optionalText,
    PATCHPARTY_SSH_USER: z.string().trim().min(1).max(64).default("root"),
    PATCHPARTY_SSH_CONNECT_TIMEOUT: z.coerce.number().int().min(1).max(300, "must be 1 to 300 seconds").default(15),
    PATCHPARTY_SSH_REBOOT: z.enum(["auto", "always", "never"], { error: "must be auto, always or never" }).default("auto"),
    PATCHPARTY_SSH_REBOOT_COMMAND: z.string().trim().min(1).default("systemctl reboot || shutdown -r now || reboot"),
    PATCHPARTY_SSH_REBOOT_TIMEOUT: z.coerce.number().int().min(10).max(7200, "must be 10 to 7200 seconds").default(900),
    PATCHPARTY_SSH_HEALTH_CHECK: optionalText,
    PATCHPARTY_SSH_COMMANDS: optionalText,
    PATCHPARTY_ANSIBLE_PLAYBOOK: optionalText,
    PATCHPARTY_WEBHOOK_URL: z.url("must be the URL your automation receives upgrades at").optional(),
    PATCHPARTY_WEBHOOK_SECRET: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, "must be a Standard Webhooks secret: whsec_ followed by base64 (24+ characters)")
      .optional(),
    // Event webhooks may reach loopback and private addresses (tests; a lab behind a firewall).
    PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE: flag.default(false),
    PATCHPARTY_SIM_SECONDS: z.coerce.number().min(0, "must be 0 or more seconds").max(86_400).default(20),
    PATCHPARTY_SIM_FAILURE_RATE: z.coerce.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").default(0.05),
    SMTP_URL: z
      .string()
      .trim()
      .regex(/^smtps?:\/\/.+/, "must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587")
      .optional(),
    SMTP_FROM: z.string().trim().min(3).max(200).default("PatchParty <patchparty@localhost>"),
    PATCHPARTY_PARTY_ROLLOUTS: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
    PATCHPARTY_ROLLOUT_TICK_SECONDS: z.coerce.number().int().min(1).max(60, "must be 1 to 60 seconds").default(5),
    // How many reverse proxies in front of the portal append to X-Forwarded-For: the sign-in
    // limits count failures by the address the nearest untrusted hop reports (sign-in-limits.ts).
    PATCHPARTY_TRUSTED_PROXIES: z.coerce.number().int("must be a whole number").min(0, "must be 0 to 5").max(5, "must be 0 to 5").default(0),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_MIGRATION_URL"],
        message: "is used only beside DATABASE_URL (the embedded server makes its own roles)",
      });
    }
    if (env.PATCHPARTY_EXECUTOR === "webhook") {
      for (const key of ["PATCHPARTY_WEBHOOK_URL", "PATCHPARTY_WEBHOOK_SECRET"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when PATCHPARTY_EXECUTOR is webhook" });
      }
    }
    if (env.PATCHPARTY_SSH_COMMANDS) {
      try {
        const parsed: unknown = JSON.parse(env.PATCHPARTY_SSH_COMMANDS);
        if (
          !parsed ||
          typeof parsed !== "object" ||
          Array.isArray(parsed) ||
          !Object.entries(parsed).every(([k, v]) => /^(kind|tag):.+/.test(k) && typeof v === "string")
        )
          throw new Error();
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["PATCHPARTY_SSH_COMMANDS"],
          message: 'must be JSON such as {"kind:VIRTUAL_APPLIANCE": "appliance-update --yes", "tag:legacy": "yum -y update"}',
        });
      }
    }
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      for (const key of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when SSO is configured" });
      }
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`Invalid environment variables:\n${lines.join("\n")}`);
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Scripts that start the embedded server tell the rest of the process where it is. */
export function useDatabaseUrl(url: string) {
  process.env.DATABASE_URL = url;
  cached = { ...env(), DATABASE_URL: url };
}

/** Whether SSO through an OpenID Connect provider is configured. */
export function oidcConfig(current: Env = env()) {
  if (!current.OIDC_ISSUER || !current.OIDC_CLIENT_ID || !current.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: current.OIDC_ISSUER,
    clientId: current.OIDC_CLIENT_ID,
    clientSecret: current.OIDC_CLIENT_SECRET,
    name: current.OIDC_NAME,
    mfaAcr: current.OIDC_MFA_ACR,
  };
}
