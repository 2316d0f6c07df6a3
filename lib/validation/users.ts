import { z } from "zod";
import { noNul } from "./common";

export const USER_NAME_MAX = 80;

export const USER_ROLES = ["viewer", "owner", "approver", "admin", "executor"] as const;

/** A user made on the command line (`npm run user:add`); the password is generated, never given. */
export const NewUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email("That is not an e-mail address: give the user's, such as ada@example.com.")
    .max(254, "An e-mail address is at most 254 characters."),
  role: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(USER_ROLES, { error: `--role must be one of ${USER_ROLES.join(", ")}.` }))
    .transform((role) => role.toUpperCase() as Uppercase<typeof role>),
  name: z.string().trim().min(1, "--name must not be empty.").max(USER_NAME_MAX, `--name is at most ${USER_NAME_MAX} characters.`).optional(),
  teams: z
    .array(z.string().trim().min(1, "--team takes a team's slug, such as payments.").max(100, "--team takes a team's slug, such as payments."))
    .max(50, "At most 50 teams.")
    .transform((slugs) => [...new Set(slugs)]),
});

export type NewUser = z.infer<typeof NewUserSchema>;

const userId = z.string().trim().min(1, "Which person? Give their id.").max(40, "That is not a person's id.");

/** A role as the users page and the API take it: "approver" or "APPROVER". */
export const RoleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(USER_ROLES, { error: `role must be one of ${USER_ROLES.join(", ")}.` }))
  .transform((role) => role.toUpperCase() as Uppercase<typeof role>);

export const UserIdSchema = z.object({ id: userId });
export const RoleChangeSchema = z.object({ id: userId, role: RoleSchema });
/** PATCH /api/v1/users/{id}: what may change. */
export const UserPatchSchema = z.object({ role: RoleSchema }).strict();

export const UserListQuerySchema = z.object({
  q: z.string().trim().max(100, "q is at most 100 characters.").refine(noNul, "q holds a NUL character.").optional(),
  after: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "after is an e-mail address, at most 254 characters.")
    .refine(noNul, "after is an e-mail address: use the previous page's next.")
    .optional(),
});

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

export const PasswordChangeSchema = z
  .object({
    current: z.string().min(1, "Enter your current password.").max(PASSWORD_MAX),
    next: z
      .string()
      .min(PASSWORD_MIN, `A password is at least ${PASSWORD_MIN} characters.`)
      .max(PASSWORD_MAX, `A password is at most ${PASSWORD_MAX} characters.`),
    confirm: z.string().max(PASSWORD_MAX),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "The two new passwords differ." })
  .refine((v) => v.next !== v.current, { path: ["next"], message: "Choose a password other than your current one." });
