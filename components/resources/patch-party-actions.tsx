"use client";

import { useActionState, useCallback, useEffect, useState } from "react";
import { excludeResourceAction, setResourceGroupAction } from "@/lib/actions/resources";
import type { FormResult } from "@/lib/actions/result";
import { REASON_MAX } from "@/lib/validation/limits";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, GroupPicker, TextAreaField } from "../ui/field";

type Props = { name: string; revision: number; excluded: boolean; group: number; isAdmin: boolean; inCluster: boolean };

function useCloseOnSuccess<T>(state: FormResult<T>, done: (message: string) => void) {
  useEffect(() => {
    if (state.ok) done(state.message ?? "Saved.");
  }, [state, done]);
}

function Hidden({ name, revision }: { name: string; revision: number }) {
  return (
    <>
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="revision" value={revision} />
    </>
  );
}

function ExcludeForm({ name, revision, onDone }: { name: string; revision: number; onDone: (message: string) => void }) {
  const [state, action, pending] = useActionState(excludeResourceAction, { ok: false });
  useCloseOnSuccess(state, onDone);
  return (
    <form action={action} className="space-y-4" noValidate>
      <Hidden name={name} revision={revision} />
      <TextAreaField
        label="Why is it excluded?"
        name="reason"
        required
        maxLength={REASON_MAX}
        error={state.fieldErrors?.reason?.[0]}
        hint="3 to 500 characters. Shown on the resource page and in the audit."
      />
      <Field
        label="Include again automatically on (optional)"
        name="until"
        type="date"
        error={state.fieldErrors?.until?.[0]}
        hint="At the end of that day, UTC."
      />
      <div aria-live="polite">{state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}</div>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Excluding…" : "Exclude"}
      </Button>
    </form>
  );
}

function GroupForm({
  name,
  revision,
  group,
  mode,
  isAdmin,
  inCluster,
  onDone,
}: {
  name: string;
  revision: number;
  group: number;
  mode: "include" | "regroup";
  isAdmin: boolean;
  inCluster: boolean;
  onDone: (message: string) => void;
}) {
  const [state, action, pending] = useActionState(setResourceGroupAction, { ok: false });
  useCloseOnSuccess(state, onDone);
  const clusterConflict = Boolean(state.fieldErrors?.group);
  return (
    <form action={action} className="space-y-4" noValidate>
      <Hidden name={name} revision={revision} />
      <input type="hidden" name="mode" value={mode} />
      {/* React resets a form after its action; keep the group the person picked. */}
      <GroupPicker key={state.data?.group ?? group} defaultValue={state.data?.group ?? group} error={state.fieldErrors?.group?.[0]} />
      {isAdmin && inCluster && (clusterConflict || state.fieldErrors?.overrideReason) ? (
        <TextAreaField
          label="Override the cluster rule: why?"
          name="overrideReason"
          maxLength={REASON_MAX}
          error={state.fieldErrors?.overrideReason?.[0]}
          hint="Admins only. Recorded in the audit."
        />
      ) : null}
      <div aria-live="polite">{state.message && !state.ok && !clusterConflict ? <Alert tone="error">{state.message}</Alert> : null}</div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : mode === "include" ? "Include" : "Change group"}
      </Button>
    </form>
  );
}

/** The Patch Party button of a resource page, for those who may change the resource. */
export function PatchPartyActions({ name, revision, excluded, group, isAdmin, inCluster }: Props) {
  const [open, setOpen] = useState<"exclude" | "include" | "regroup" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => setOpen(null);
  const done = useCallback((message: string) => {
    setOpen(null);
    setNotice(message);
  }, []);
  return (
    <div className="flex flex-wrap items-center gap-2">
      {excluded ? (
        <Button onClick={() => setOpen("include")}>Include in the Patch Party</Button>
      ) : (
        <Button variant="danger" onClick={() => setOpen("exclude")}>
          Exclude from the Patch Party
        </Button>
      )}
      <Button variant="secondary" onClick={() => setOpen("regroup")}>
        Change group
      </Button>
      <span aria-live="polite" className="text-sm text-emerald-700" data-testid="action-notice">
        {notice}
      </span>
      <Dialog open={open === "exclude"} onClose={close} title="Exclude from the Patch Party" description={name}>
        {open === "exclude" ? <ExcludeForm name={name} revision={revision} onDone={done} /> : null}
      </Dialog>
      <Dialog open={open === "include"} onClose={close} title="Include in the Patch Party" description={`${name}: which group patches it?`}>
        {open === "include" ? (
          <GroupForm name={name} revision={revision} group={group} mode="include" isAdmin={isAdmin} inCluster={inCluster} onDone={done} />
        ) : null}
      </Dialog>
      <Dialog open={open === "regroup"} onClose={close} title="Change patch group" description={name}>
        {open === "regroup" ? (
          <GroupForm name={name} revision={revision} group={group} mode="regroup" isAdmin={isAdmin} inCluster={inCluster} onDone={done} />
        ) : null}
      </Dialog>
    </div>
  );
}
