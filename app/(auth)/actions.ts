'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { createUser } from '@/db/queries/users';
import type { FormState } from '@/components/auth/form-state';
import { signIn, signOut } from '@/lib/auth';
import { hashPassword } from '@/lib/auth/password';
import { displayNameSchema, passwordSchema, safeCallbackUrl, usernameSchema } from '@/lib/auth/validation';

const registerSchema = z.object({ username: usernameSchema, displayName: displayNameSchema, password: passwordSchema });

function firstErrors(error: z.ZodError): Partial<Record<string, string>> {
  const fields = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  return Object.fromEntries(Object.entries(fields).map(([field, messages]) => [field, messages?.[0]]));
}

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === 'string' ? value : '';
}

export async function register(_state: FormState, formData: FormData): Promise<FormState> {
  const parsed = registerSchema.safeParse({
    username: text(formData, 'username'),
    displayName: text(formData, 'displayName'),
    password: text(formData, 'password'),
  });
  if (!parsed.success) return { fieldErrors: firstErrors(parsed.error) };

  const user = await createUser({
    username: parsed.data.username,
    displayName: parsed.data.displayName,
    passwordHash: await hashPassword(parsed.data.password),
  });
  if (!user) return { fieldErrors: { username: 'That username is taken' } };

  // Throws Next's redirect on success: the new user lands where they were going.
  await signIn('credentials', {
    username: parsed.data.username,
    password: parsed.data.password,
    redirectTo: safeCallbackUrl(formData.get('callbackUrl')),
  });
  return {};
}

export async function login(_state: FormState, formData: FormData): Promise<FormState> {
  const username = text(formData, 'username').trim();
  const password = text(formData, 'password');
  const fieldErrors: Partial<Record<string, string>> = {};
  if (!username) fieldErrors.username = 'Enter your username';
  if (!password) fieldErrors.password = 'Enter your password';
  if (Object.keys(fieldErrors).length > 0) return { fieldErrors };

  try {
    await signIn('credentials', { username, password, redirectTo: safeCallbackUrl(formData.get('callbackUrl')) });
  } catch (error) {
    // The same answer for an unknown username and a wrong password.
    if (error instanceof AuthError && error.type === 'CredentialsSignin') return { formError: 'Wrong username or password' };
    throw error;
  }
  return {};
}

export async function logout(): Promise<void> {
  await signOut({ redirectTo: '/login' });
}
