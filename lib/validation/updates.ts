// What a server has pending, reported over the API (PUT /api/v1/resources/{name}/updates) by the
// webhook and manual executors' automations or by a person: the same report the ssh and ansible
// scans make (lib/domain/updates.ts), checked field by field.
import { z } from "zod";
import { SEVERITIES, type UpdateReport } from "../domain/updates";

export const UPDATES_MAX = 5_000;
export const ADVISORIES_MAX = 50;
export const PACKAGE_NAME_MAX = 200;
export const VERSION_MAX = 200;
export const ADVISORY_MAX = 100;

const required = (what: string) => (issue: { input: unknown }) => (issue.input === undefined ? "required" : what);

/**
 * A token as package managers write it: letters and digits, then also `+ . _ : @ ~ -` (Debian's
 * `libssl3t64:amd64`, RPM's `openssl-libs.x86_64`, epochs `1:3.0.7-27.el9`, `~` in versions). No
 * spaces or control characters: these names end up in the commands of a later patch run.
 */
const token = (max: number, what: string) =>
  z
    .string({ error: required(`must be ${what}`) })
    .trim()
    .min(1, "required")
    .max(max, `must be at most ${max} characters`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9+._:@~-]*$/, `must be ${what}: letters, digits and + . _ : @ ~ - only`);

const PackageName = token(PACKAGE_NAME_MAX, "a package name");
const Version = token(VERSION_MAX, "a version");

const PendingUpdateSchema = z
  .object({
    package: PackageName,
    installed: Version.nullable()
      .optional()
      .transform((v) => v ?? null),
    candidate: Version,
    security: z.boolean({ error: "must be true or false" }).default(false),
    severity: z
      .enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}, or null` })
      .nullable()
      .optional()
      .transform((v) => v ?? null),
    advisories: z
      .array(
        z
          .string({ error: "must be an advisory or CVE id" })
          .trim()
          .min(1, "must be an advisory or CVE id")
          .max(ADVISORY_MAX, `must be at most ${ADVISORY_MAX} characters`)
          .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, "must be an advisory or CVE id such as CVE-2026-1234 or DSA-5678-1"),
        { error: "must be a list of advisory or CVE ids" },
      )
      .max(ADVISORIES_MAX, `must be at most ${ADVISORIES_MAX} ids`)
      .default([]),
  })
  .strict();

const optionalLabel = (max: number, pattern: RegExp, what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .regex(pattern, `must be ${what}`)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null));

/** PUT /api/v1/resources/{name}/updates: a whole scan's result; what it does not list is no longer pending. */
export const UpdateReportSchema = z
  .object({
    packageManager: optionalLabel(40, /^$|^[a-z0-9][a-z0-9._-]*$/i, "a package manager's name such as apt, dnf or zypper"),
    release: optionalLabel(100, /^$|^[A-Za-z0-9][A-Za-z0-9 ._()/-]*$/, 'a distribution release such as "debian 12"'),
    rebootRequired: z.boolean({ error: required("must be true, false or null (unknown)") }).nullable(),
    updates: z
      .array(PendingUpdateSchema, { error: required("must be a list of { package, installed, candidate, security, severity, advisories }") })
      .max(UPDATES_MAX, `must be at most ${UPDATES_MAX.toLocaleString("en")} updates`),
  })
  .strict();
export type UpdateReportInput = z.infer<typeof UpdateReportSchema> & UpdateReport;
