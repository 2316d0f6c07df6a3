import { z } from "zod";
import { TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, TOKEN_SCOPES } from "../domain/api-tokens";
import { hasControlCharacters } from "../domain/text";
import { numberInput } from "./common";

export const TOKEN_NAME_MAX = 80;

export const TokenNameSchema = z
  .string()
  .trim()
  .min(1, "Give the token a name, such as the tool that will use it.")
  .max(TOKEN_NAME_MAX, `At most ${TOKEN_NAME_MAX} characters.`)
  .refine((name) => !hasControlCharacters(name), "Give the token a name on one line, without control characters (tabs, line breaks).");

export const TokenScopeSchema = z.enum(TOKEN_SCOPES, {
  error: "Choose the token's scope: read (GET only) or write (every method, with the user's rights).",
});

const DAYS_MESSAGE = `Say in how many days the token expires: a whole number from 1 to ${TOKEN_DAYS_MAX}.`;

/** Days until the token expires; absent means TOKEN_DAYS_DEFAULT. */
export const TokenDaysSchema = numberInput(
  z
    .number({ error: DAYS_MESSAGE })
    .int(DAYS_MESSAGE)
    .min(1, DAYS_MESSAGE)
    .max(TOKEN_DAYS_MAX, `A token lives at most ${TOKEN_DAYS_MAX} days (a year); make a new one when it expires.`),
).default(TOKEN_DAYS_DEFAULT);

export const NewApiTokenSchema = z.object({ name: TokenNameSchema, scope: TokenScopeSchema, days: TokenDaysSchema });

export const CreateApiTokenSchema = NewApiTokenSchema.extend({
  email: z.string().trim().toLowerCase().email("Enter the e-mail address of the user the token acts as.").max(254),
});

export const RevokeApiTokenSchema = z.object({ id: z.string().trim().min(1).max(40) });
