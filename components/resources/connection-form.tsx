"use client";

import { useActionState, useCallback, useEffect, useState } from "react";
import { updateResourceConnectionAction } from "@/lib/actions/resources";
import { ADDRESS_MAX, SSH_PORT_DEFAULT, SSH_USER_MAX } from "@/lib/validation/limits";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

type Values = { name: string; revision: number; address: string | null; sshPort: number | null; sshUser: string | null; defaultUser: string };

function ConnectionForm({ name, revision, address, sshPort, sshUser, defaultUser, onDone }: Values & { onDone: (message: string) => void }) {
  const [state, action] = useActionState(updateResourceConnectionAction, { ok: false });
  // Not the form's own action: React would empty the fields, and an error must show what was typed.
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  useEffect(() => {
    if (state.ok) onDone(state.message ?? "Saved.");
  }, [state, onDone]);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Connection">
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="revision" value={revision} />
      <Field
        label="Address"
        name="address"
        defaultValue={address ?? ""}
        maxLength={ADDRESS_MAX}
        autoComplete="off"
        spellCheck={false}
        placeholder="web-01.example.com"
        error={errors.address?.[0]}
        hint="A host name or an IPv4 or IPv6 address the workers can reach. Empty: not set."
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="SSH port"
          name="sshPort"
          inputMode="numeric"
          defaultValue={sshPort ?? ""}
          placeholder={String(SSH_PORT_DEFAULT)}
          error={errors.sshPort?.[0]}
          hint={`Empty: ${SSH_PORT_DEFAULT}.`}
        />
        <Field
          label="SSH user"
          name="sshUser"
          defaultValue={sshUser ?? ""}
          maxLength={SSH_USER_MAX}
          autoComplete="off"
          spellCheck={false}
          placeholder={defaultUser}
          error={errors.sshUser?.[0]}
          hint={`Empty: ${defaultUser}, the installation's default.`}
        />
      </div>
      <div aria-live="polite">{state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}</div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save connection"}
      </Button>
    </form>
  );
}

/** The connection card's button and dialog, for those who may change the resource. */
export function ConnectionEditor(values: Values) {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const done = useCallback((message: string) => {
    setOpen(false);
    setNotice(message);
  }, []);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Change connection
      </Button>
      <span aria-live="polite" className="text-sm text-emerald-700" data-testid="connection-notice">
        {notice}
      </span>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Change connection"
        description={`${values.name}: where the ssh and ansible executors reach it.`}
      >
        {open ? <ConnectionForm {...values} onDone={done} /> : null}
      </Dialog>
    </div>
  );
}
