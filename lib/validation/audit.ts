import { z } from "zod";
import { IsoDateSchema, optionalText } from "./common";

export const AUDIT_ACTIONS = [
  "resource.exclude",
  "resource.include",
  "resource.regroup",
  "resource.connection",
  "resource.create",
  "resource.update",
  "resource.import",
  "resource.expire",
  "resource.updates.report",
  "party.generate",
  "party.reschedule",
  "party.move",
  "party.cancel",
  "party.hold",
  "party.slot-blocked",
  "party.slot-started",
  "party.slot-halted",
  "party.slot-resumed",
  "party.slot-finished",
  "party.release",
  "party-rule.update",
  "party-rule.rollout",
  "policy.create",
  "policy.update",
  "policy.delete",
  "template.create",
  "template.update",
  "template.bump",
  "template.upgrade-now",
  "template.upgrade-started",
  "template.upgrade-completed",
  "template.upgrade-partial",
  "template.member-upgraded",
  "template.member-failed",
  "template.upgrade-halted",
  "template.canary-passed",
  "template.upgrade-resumed",
  "template.plan",
  "template.members-synced",
  "change.open",
  "change.edit",
  "change.submit",
  "change.approve",
  "change.reject",
  "change.reopen",
  "calendar-feed.create",
  "calendar-feed.revoke",
  "api-token.create",
  "api-token.revoke",
  "user.create",
  "user.role",
  "user.sessions-end",
  "user.password-change",
  "user.lockout",
  "user.unlock",
  "user.mfa-on",
  "user.mfa-off",
  "user.recovery-codes",
  "user.recovery-code-used",
  "sign-in.address-blocked",
] as const;

export const AuditQuerySchema = z.object({
  actor: optionalText(254),
  resource: optionalText(200),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  cursor: z
    .string()
    .regex(/^\d{13}_\d{1,18}$/)
    .optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** GET /api/v1/audit.csv: the page's filters (no cursor: the export holds every match); unknown parameters are refused. */
export const AuditExportQuerySchema = AuditQuerySchema.omit({ cursor: true }).strict();

/** Lenient parse for page URLs: a bad value is dropped, not an error page. */
export function auditQueryFromSearchParams(params: Record<string, string | string[] | undefined>): AuditQuery {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (typeof value === "string" && value !== "" && key in AuditQuerySchema.shape) clean[key] = value;
  for (let i = 0; i < 8; i++) {
    const result = AuditQuerySchema.safeParse(clean);
    if (result.success) return result.data;
    for (const issue of result.error.issues) delete clean[String(issue.path[0])];
  }
  return {};
}
