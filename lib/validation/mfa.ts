import { z } from "zod";

/** A code as typed: 6 digits from the app, or a recovery code ("abcde-23456"); spaces are dropped. */
export const SecondFactorCodeSchema = z
  .string({ error: "Enter a code." })
  .transform((v) => v.replace(/\s/g, ""))
  .pipe(
    z
      .string()
      .min(1, "Enter the 6 digits your authenticator app shows, or a recovery code.")
      .max(40, "A code is 6 digits, or a recovery code such as abcde-23456."),
  );

/** The account page's two-factor form: what to do, and the code that proves it (all but "start"). */
export const SecondFactorFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("confirm"), code: SecondFactorCodeSchema }),
  z.object({ intent: z.literal("regenerate"), code: SecondFactorCodeSchema }),
  z.object({ intent: z.literal("off"), code: SecondFactorCodeSchema }),
  z.object({ intent: z.literal("verify"), code: SecondFactorCodeSchema }),
]);

export type SecondFactorForm = z.infer<typeof SecondFactorFormSchema>;
