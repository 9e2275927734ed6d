'use client';

import { useActionState, startTransition, type FormEvent } from 'react';
import type { FormState } from './form-state';

/**
 * Runs a form's server action without React's automatic form reset, so a rejected form keeps
 * everything the person typed (including the password they only mistyped once).
 */
export function useFormAction(action: (state: FormState, formData: FormData) => Promise<FormState>) {
  const [state, formAction, pending] = useActionState(action, {});
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };
  return { state, onSubmit, pending };
}
