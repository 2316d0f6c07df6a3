// An admin letting a held-back version through to production (POST /api/v1/parties/{tag}/production/packages).
import { z } from "zod";
import { ReasonSchema } from "./resources";

/** As package managers write names and versions; nothing a shell would read (they end up in a command). */
const token = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? "required" : `must be ${what}`) })
    .trim()
    .min(1, "required")
    .max(200, "must be at most 200 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9.+:~_-]*$/, `must be ${what}: letters, digits and . + : ~ _ - only`);

export const ApprovePackageSchema = z.object({
  /** The distribution release the version is for, as the servers' scans name it ("debian 12"); "" when unknown. */
  release: z
    .string({ error: 'must be a release such as "debian 12", or ""' })
    .trim()
    .max(100, "must be at most 100 characters")
    .regex(/^[A-Za-z0-9 ._-]*$/, "must be letters, digits, spaces and . _ - only"),
  package: token("a package name"),
  version: token("a version"),
  reason: ReasonSchema,
});
export type ApprovePackageInput = z.infer<typeof ApprovePackageSchema>;
