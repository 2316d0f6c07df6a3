// The executor, hooks, start cutoff and member timeout, as the party rule's and a template's
// settings forms ask for them (lib/validation/templates.ts ExecutionSettingsSchema).
import { EXECUTOR_LABELS, EXECUTOR_NAMES } from "@/lib/domain";
import { Field, inputClass, TextAreaField } from "../ui/field";
import { cx } from "../ui/cx";

export type ExecutionSettings = {
  executor: string | null;
  preHook: string | null;
  postHook: string | null;
  cutoffMinutes: number;
  memberTimeoutMinutes: number;
};

type Props = {
  settings: ExecutionSettings;
  /** The installation's default executor and why (lib/rollout/executors.ts activeExecutor). */
  defaultExecutor: { name: string; why: string };
  /** The simulated executor may be chosen only on the demo data or when PATCHPARTY_EXECUTOR=simulated. */
  simulatedAllowed: boolean;
  errors: Record<string, string[] | undefined>;
  /** "slot" or "member window": what the cutoff counts back from. */
  windowWord: string;
};

export function ExecutionSettingsFields({ settings, defaultExecutor, simulatedAllowed, errors, windowWord }: Props) {
  const executorError = errors.executor?.[0];
  return (
    <div className="grid gap-4">
      <div>
        <label htmlFor="field-executor" className="block text-sm font-medium text-slate-800">
          Executor
        </label>
        <select
          id="field-executor"
          name="executor"
          defaultValue={settings.executor ?? ""}
          aria-invalid={executorError ? true : undefined}
          aria-describedby={cx("field-executor-hint", executorError && "field-executor-error")}
          className={cx(inputClass, "mt-1 max-w-md")}
        >
          <option value="">Installation default ({defaultExecutor.name})</option>
          {EXECUTOR_NAMES.map((name) => (
            <option key={name} value={name} disabled={name === "simulated" && !simulatedAllowed && settings.executor !== "simulated"}>
              {EXECUTOR_LABELS[name]}
            </option>
          ))}
        </select>
        <p id="field-executor-hint" className="mt-1 text-xs text-slate-500">
          The default is <span className="font-mono">{defaultExecutor.name}</span> ({defaultExecutor.why}).
          {simulatedAllowed ? " Simulated outcomes are made up: for the demo and tests only." : " Simulated is for the demo data only."}
        </p>
        {executorError ? (
          <p id="field-executor-error" className="mt-1 text-xs text-rose-700">
            {executorError}
          </p>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextAreaField
          label="Pre-hook"
          name="preHook"
          rows={2}
          maxLength={1000}
          defaultValue={settings.preHook ?? ""}
          placeholder='e.g. lb-drain "$PATCHPARTY_MEMBER"'
          hint="A shell command run on the worker before each member (ssh and ansible executors), with PATCHPARTY_MEMBER, _ADDRESS and _KEY set. If it fails, the member is skipped with the reason."
          error={errors.preHook?.[0]}
        />
        <TextAreaField
          label="Post-hook"
          name="postHook"
          rows={2}
          maxLength={1000}
          defaultValue={settings.postHook ?? ""}
          placeholder='e.g. lb-enable "$PATCHPARTY_MEMBER"'
          hint="Run after each member (PATCHPARTY_OUTCOME says how it went), e.g. back into the load balancer. Empty: none."
          error={errors.postHook?.[0]}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Start cutoff (minutes)"
          name="cutoffMinutes"
          type="number"
          min={0}
          max={720}
          defaultValue={settings.cutoffMinutes}
          hint={`No member starts in the last minutes of the ${windowWord}.`}
          error={errors.cutoffMinutes?.[0]}
        />
        <Field
          label="Member timeout (minutes)"
          name="memberTimeoutMinutes"
          type="number"
          min={1}
          max={1440}
          defaultValue={settings.memberTimeoutMinutes}
          hint="A member with no outcome this long after its start fails as “no report” (manual: after the window's end)."
          error={errors.memberTimeoutMinutes?.[0]}
        />
      </div>
    </div>
  );
}
