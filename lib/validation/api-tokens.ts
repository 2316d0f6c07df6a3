import { z } from "zod";

export const TOKEN_NAME_MAX = 80;

export const CreateApiTokenSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter the e-mail address of the user the token acts as.").max(254),
  name: z.string().trim().min(1, "Give the token a name, such as the tool that will use it.").max(TOKEN_NAME_MAX, `At most ${TOKEN_NAME_MAX} characters.`),
});

export const RevokeApiTokenSchema = z.object({ id: z.string().trim().min(1).max(40) });
