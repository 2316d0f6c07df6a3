// npm run api-token -- <email> [name] --scope read|write [--days N]: creates an API token for that
// user and prints it last. Exit code 2 when it refuses (bad input, an unknown user): nothing is made.
import { parseArgs } from "node:util";
import { z } from "zod";
import { createApiToken } from "../lib/data/api-tokens";
import { getUserByEmail } from "../lib/data/users";
import { TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX } from "../lib/domain/api-tokens";
import { NewApiTokenSchema } from "../lib/validation/api-tokens";
import { fail, log, withDatabase } from "./run";

const USAGE = `Usage: npm run api-token -- <email> [name] --scope read|write [--days 1-${TOKEN_DAYS_MAX}, default ${TOKEN_DAYS_DEFAULT}]`;

function readArgs() {
  try {
    return parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { scope: { type: "string" }, days: { type: "string" } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
}

const args = readArgs();
const [rawEmail, rawName, ...extra] = args.positionals;
if (!rawEmail || extra.length) fail(`${rawEmail ? "Give one e-mail address and at most one name." : "Give the user's e-mail address."}\n${USAGE}`, 2);
const Args = NewApiTokenSchema.extend({ email: z.string().trim().toLowerCase().email("Give the user's e-mail address.") });
const parsed = Args.safeParse({ email: rawEmail, name: rawName ?? "command line", scope: args.values.scope, days: args.values.days });
if (!parsed.success) fail(`${parsed.error.issues[0]?.message ?? "invalid input"}\n${USAGE}`, 2);
const { email, ...input } = parsed.data;

// The database is left (and the embedded server stopped) before anything is printed or refused.
const made = await withDatabase(async () => {
  const user = await getUserByEmail(email);
  return user ? { user, token: await createApiToken(user.id, input, { id: null, label: "cli" }) } : null;
});
if (!made) fail(`No user with the e-mail ${email}; nothing was made.`, 2);
const { user, token } = made;
log(`Created API token "${token.name}" for ${user.email} (${user.role.toLowerCase()}), scope ${token.scope}, expires ${token.expiresAt.toISOString()}.`);
log("It is shown once:");
log(token.secret);
