'use client';

import Link from 'next/link';
import { login } from '@/app/(auth)/actions';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useFormAction } from './use-form-action';

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const { state, onSubmit, pending } = useFormAction(login);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field name="username" label="Username" autoComplete="username" autoCapitalize="none" required error={state.fieldErrors?.username} />
      <Field name="password" label="Password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} />
      {state.formError ? (
        <p role="alert" className="text-sm text-danger">
          {state.formError}
        </p>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
      <p className="text-center text-sm text-muted">
        New to Parley?{' '}
        <Link className="font-semibold text-accent underline" href={`/register?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Create an account
        </Link>
      </p>
    </form>
  );
}
