import { z } from "zod";

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
