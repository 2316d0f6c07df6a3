// npm run user:add -- <email> [--role viewer|owner|approver|admin|executor] [--name "…"] [--team <slug> …]:
// creates a user with a generated password and prints the password once, as the last line.
// Exit code 2 when it refuses (bad input, the e-mail taken, an unknown team): nothing is changed.
import { parseArgs } from "node:util";
import { generatePassword, hashPassword } from "../lib/auth/password";
import { createUser } from "../lib/data/users";
import { NewUserSchema, USER_ROLES } from "../lib/validation/users";
import { fail, log, withDatabase } from "./run";

const USAGE = `Usage: npm run user:add -- <email> [--role ${USER_ROLES.join("|")}] [--name "Full Name"] [--team <slug> …]`;

function readArgs() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { role: { type: "string", default: "viewer" }, name: { type: "string" }, team: { type: "string", multiple: true, default: [] } },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
}

const args = readArgs();
if (args.positionals.length !== 1) fail(`${args.positionals.length ? "Give one e-mail address." : "Give the user's e-mail address."}\n${USAGE}`, 2);
const parsed = NewUserSchema.safeParse({ email: args.positionals[0], role: args.values.role, name: args.values.name, teams: args.values.team });
if (!parsed.success) fail(`${parsed.error.issues[0]?.message ?? "invalid input"}\n${USAGE}`, 2);
const input = parsed.data;
const password = generatePassword();

// The database is left (and the embedded server stopped) before anything is printed or refused.
const result = await withDatabase(async () =>
  createUser(
    { email: input.email, name: input.name ?? input.email.split("@")[0] ?? input.email, role: input.role, teamSlugs: input.teams },
    await hashPassword(password),
    { id: null, label: "cli" },
  ),
);
if (!result.ok) {
  if (result.reason === "exists") fail(`A user with the e-mail ${input.email} exists already; nothing was changed.`, 2);
  fail(`No team with the slug ${result.slugs.join(", ")}; nothing was changed.`, 2);
}
const { user } = result;
log(`Created ${user.email} (${user.role.toLowerCase()}${user.teams.length ? `, teams ${user.teams.join(", ")}` : ""}).`);
if (user.role === "EXECUTOR") {
  log("An executor is a machine: it reports upgrades through the API with a token and may not use the pages.");
  log(`Create its API token with: npm run api-token -- ${user.email} --scope write`);
}
log("Its password, shown once:");
log(password);
