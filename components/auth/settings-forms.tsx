'use client';

import { changeDisplayName, changePassword } from '@/app/(chat)/settings/actions';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useFormAction } from './use-form-action';

function Notice({ text, kind }: { text?: string; kind: 'success' | 'error' }) {
  if (!text) return null;
  return (
    <p role={kind === 'error' ? 'alert' : 'status'} className={`text-sm ${kind === 'error' ? 'text-danger' : 'text-ink'}`}>
      {text}
    </p>
  );
}

export function DisplayNameForm({ displayName }: { displayName: string }) {
  const { state, onSubmit, pending } = useFormAction(changeDisplayName);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
      <Field name="displayName" label="Display name" defaultValue={displayName} maxLength={50} required error={state.fieldErrors?.displayName} />
      <Notice text={state.formError} kind="error" />
      <Notice text={state.success} kind="success" />
      <Button type="submit" disabled={pending} className="self-start">
        Save name
      </Button>
    </form>
  );
}

export function PasswordForm({ changed }: { changed: boolean }) {
  const { state, onSubmit, pending } = useFormAction(changePassword);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" error={state.fieldErrors?.currentPassword} />
      <Field
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        maxLength={128}
        hint="At least 8 characters. Your other sessions will be signed out."
        error={state.fieldErrors?.newPassword}
      />
      <Notice text={state.formError} kind="error" />
      <Notice text={changed && !state.fieldErrors ? 'Password changed. Your other sessions were signed out.' : undefined} kind="success" />
      <Button type="submit" disabled={pending} className="self-start">
        Change password
      </Button>
    </form>
  );
}
