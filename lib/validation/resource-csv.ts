// One row of the inventory CSV. Column names are the header's; every message names the problem.
import { z } from "zod";
import { AddressSchema, ENVIRONMENTS, GroupSchema, KINDS, SshPortSchema, SshUserSchema } from "./resources";

export const CSV_COLUMNS = ["name", "kind", "environment", "team", "service", "cluster", "group", "tags", "address", "ssh_port", "ssh_user"] as const;
/**
 * Columns the export adds that say what the portal knows (exclusion, last patch, what its last
 * update scan found pending): the import reads
 * past them, so an exported file imports as it is, and changes neither (they have their own ways).
 */
export const EXPORT_ONLY_COLUMNS = [
  "excluded",
  "exclusion_reason",
  "exclusion_until",
  "last_patched_at",
  "last_patch_tag",
  "last_outcome",
  "pending_updates",
  "security_updates",
  "reboot_pending",
] as const;
export const REQUIRED_COLUMNS = ["name", "kind", "environment", "team", "group"] as const;
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,49}$/;

const optionalName = z
  .string()
  .trim()
  .max(200, "must be at most 200 characters")
  .transform((v) => (v === "" ? null : v))
  .refine((v) => v === null || NAME_PATTERN.test(v), "may hold letters, digits, dots, dashes and underscores only");

export const CsvRowSchema = z.object({
  name: z.string().trim().regex(NAME_PATTERN, "must be 1–200 letters, digits, dots, dashes or underscores, starting with a letter or digit"),
  kind: z.enum(Object.keys(KINDS) as [keyof typeof KINDS], { error: `must be one of ${Object.keys(KINDS).join(", ")}` }),
  environment: z.enum(Object.keys(ENVIRONMENTS) as [keyof typeof ENVIRONMENTS], { error: "must be production or non-production" }),
  team: z.string().trim().min(1, "is required (a team's short name, e.g. payments)").max(100),
  service: optionalName.optional().transform((v) => v ?? null),
  cluster: optionalName.optional().transform((v) => v ?? null),
  group: GroupSchema,
  tags: z
    .string()
    .optional()
    .transform((v) => [
      ...new Set(
        (v ?? "")
          .split(";")
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ])
    .refine((tags) => tags.length <= 20, "at most 20 tags")
    .refine((tags) => tags.every((t) => TAG_PATTERN.test(t)), "tags are separated by ; and hold letters, digits, : . _ - only"),
  // How executors reach it: a file without the column leaves it as it is (undefined), an empty cell clears it (null).
  address: AddressSchema.optional(),
  ssh_port: SshPortSchema.optional(),
  ssh_user: SshUserSchema.optional(),
});

export type CsvRow = z.infer<typeof CsvRowSchema>;
