// npm run api-token -- <email> [name]: creates an API token for that user and prints it last.
import { z } from "zod";
import { createApiToken } from "../lib/data/api-tokens";
import { getUserByEmail } from "../lib/data/users";
import { fail, log, withDatabase } from "./run";

const Args = z.tuple([z.string().trim().toLowerCase().email("give the user's e-mail address"), z.string().trim().min(1).max(80).optional()]);

const parsed = Args.safeParse(process.argv.slice(2));
if (!parsed.success) fail(`Usage: npm run api-token -- <email> [name]\n${parsed.error.issues[0]?.message ?? ""}`);
const [email, name] = parsed.data;

await withDatabase(async () => {
  const user = await getUserByEmail(email);
  if (!user) fail(`No user with the e-mail ${email}.`);
  const token = await createApiToken(user.id, name ?? "command line", { id: null, label: "cli" });
  log(`Created API token "${token.name}" for ${user.email} (${user.role.toLowerCase()}). It is shown once:`);
  log(token.secret);
});
