"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { clientAddress } from "../auth/client-address";
import { AMR_ONE_TIME_CODE } from "../auth/second-factor";
import { requireSignedIn } from "../auth/session";
import { reissueSession } from "../auth/session-cookie";
import { confirmSecondFactorSetup, proveSecondFactor, regenerateRecoveryCodes, startSecondFactorSetup, turnOffSecondFactor } from "../data/mfa";
import { env } from "../env";
import { SecondFactorFormSchema } from "../validation/mfa";
import { invalid, type FormResult, formText } from "./result";

export type SecondFactorResult = FormResult<{ recoveryCodes?: string[] }>;

const withCode = (amr: readonly string[] | undefined) => [...new Set([...(amr ?? []), AMR_ONE_TIME_CODE])];
const withoutCode = (amr: readonly string[] | undefined) => (amr ?? []).filter((method) => method !== AMR_ONE_TIME_CODE);

/**
 * The account page's two-factor sign-in, for the signed-in person themself (the action takes no
 * one's id): start setting up an authenticator app, confirm it with its first code, make new
 * recovery codes, turn it off, or add it to this session (one made through single sign-on). Open
 * to a session that lacks the second factor its role needs: this is where it is set up.
 */
export async function secondFactorAction(_previous: SecondFactorResult, form: FormData): Promise<SecondFactorResult> {
  const { user, token } = await requireSignedIn();
  const parsed = SecondFactorFormSchema.safeParse({ intent: formText(form, "intent"), code: formText(form, "code") });
  if (!parsed.success) return invalid(parsed.error);
  const input = parsed.data;
  const now = new Date();
  if (input.intent === "start") {
    const started = await startSecondFactorSetup(user);
    if (!started.ok) return { ok: false, message: started.message };
    revalidatePath("/account");
    return { ok: true, message: "Add PatchParty to your authenticator app, then type the code it shows." };
  }
  if (input.intent === "confirm") {
    const confirmed = await confirmSecondFactorSetup(user, input.code, now);
    if (!confirmed.ok) return refused(confirmed);
    // Every other session of theirs ended; this one goes on, now with its second factor.
    await reissueSession(token, { sv: confirmed.value.sessionVersion, amr: withCode(token.amr) });
    revalidatePath("/account");
    return {
      ok: true,
      message: "Two-factor sign-in is on, and your other sessions have ended. Keep your recovery codes somewhere safe.",
      data: { recoveryCodes: confirmed.value.recoveryCodes },
    };
  }
  const address = clientAddress(await headers(), env().PATCHPARTY_TRUSTED_PROXIES);
  if (input.intent === "regenerate") {
    const made = await regenerateRecoveryCodes(user, input.code, address, now);
    if (!made.ok) return refused(made);
    revalidatePath("/account");
    return { ok: true, message: "New recovery codes: the old ones no longer work.", data: { recoveryCodes: made.value.recoveryCodes } };
  }
  if (input.intent === "off") {
    const off = await turnOffSecondFactor(user, input.code, address, now);
    if (!off.ok) return refused(off);
    await reissueSession(token, { sv: off.value.sessionVersion, amr: withoutCode(token.amr) });
    revalidatePath("/account");
    return { ok: true, message: "Two-factor sign-in is off, and your other sessions have ended." };
  }
  const proved = await proveSecondFactor(user, input.code, address, now);
  if (!proved.ok) return refused(proved);
  await reissueSession(token, { sv: token.sv, amr: withCode(token.amr) });
  revalidatePath("/account");
  return { ok: true, message: "Verified: this session now has your second factor." };
}

const refused = (outcome: { code: string; message: string }): SecondFactorResult =>
  outcome.code === "wrong-code"
    ? { ok: false, message: "Check the highlighted field.", fieldErrors: { code: [outcome.message] } }
    : { ok: false, message: outcome.message };
