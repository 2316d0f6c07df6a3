"use client";

import { useActionState } from "react";
import { approvePackageAction } from "@/lib/actions/updates";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** An admin lets one held-back version through to production, with a reason (audited). */
export function ApprovePackageForm({ tag, release, pkg, version }: { tag: string; release: string; pkg: string; version: string }) {
  const [state, action] = useActionState(approvePackageAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  if (state.ok && state.message) return <Alert tone="success">{state.message}</Alert>;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-sky-800 underline">Let {version} through…</summary>
      <form onSubmit={onSubmit} className="mt-2 flex flex-wrap items-end gap-2" noValidate>
        <input type="hidden" name="tag" value={tag} />
        <input type="hidden" name="release" value={release} />
        <input type="hidden" name="package" value={pkg} />
        <input type="hidden" name="version" value={version} />
        <Field
          label={`Why install ${pkg} ${version} untested`}
          name="reason"
          maxLength={500}
          className="min-w-0 grow"
          placeholder="Fixes CVE-… ; tested by hand on staging"
          error={state.fieldErrors?.reason?.[0]}
        />
        <Button type="submit" variant="secondary" disabled={pending}>
          Let it through
        </Button>
      </form>
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
    </details>
  );
}
