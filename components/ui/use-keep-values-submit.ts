"use client";

import { useTransition, type FormEvent } from "react";

/**
 * Submits a form to a server action without React's automatic form reset, so what the person
 * typed stays in the fields (a preview, an error). The clicked button's name/value is sent too.
 */
export function useKeepValuesSubmit(action: (form: FormData) => void) {
  const [pending, startTransition] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const form = new FormData(event.currentTarget, submitter);
    startTransition(() => action(form));
  };
  return { onSubmit, pending };
}
