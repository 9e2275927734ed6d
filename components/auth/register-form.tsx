'use client';

import Link from 'next/link';
import { register } from '@/app/(auth)/actions';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useFormAction } from './use-form-action';

export function RegisterForm({ callbackUrl }: { callbackUrl: string }) {
  const { state, onSubmit, pending } = useFormAction(register);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        name="username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        required
        minLength={3}
        maxLength={32}
        hint="3–32 letters, digits or _"
        error={errors.username}
      />
      <Field name="displayName" label="Display name" autoComplete="name" required maxLength={50} error={errors.displayName} />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        hint="At least 8 characters"
        error={errors.password}
      />
      {state.formError ? (
        <p role="alert" className="text-sm text-danger">
          {state.formError}
        </p>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </Button>
      <p className="text-center text-sm text-muted">
        Already have an account?{' '}
        <Link className="font-semibold text-accent underline" href={`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
