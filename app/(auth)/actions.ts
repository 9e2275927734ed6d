'use server';

import { AuthError } from 'next-auth';
import { headers } from 'next/headers';
import { z } from 'zod';
import { createUser } from '@/db/queries/users';
import type { FormState } from '@/components/auth/form-state';
import { revokeSession } from '@/db/queries/sessions';
import { getCurrentSession, signIn, signOut } from '@/lib/auth';
import { disconnectSession } from '@/lib/realtime/notify';
import { hashPassword } from '@/lib/auth/password';
import { isSignInBlocked } from '@/lib/auth/sign-in-limits';
import { CLIENT_ADDRESS_HEADER } from '@/lib/client-address';
import { displayNameSchema, passwordSchema, safeCallbackUrl, usernameSchema } from '@/lib/auth/validation';

const TOO_MANY_ATTEMPTS = 'Too many failed sign-ins. Please wait 15 minutes and try again.';

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

  const attempt = { username, address: (await headers()).get(CLIENT_ADDRESS_HEADER) ?? 'unknown' };
  if (await isSignInBlocked(attempt)) return { formError: TOO_MANY_ATTEMPTS };
  try {
    await signIn('credentials', { username, password, redirectTo: safeCallbackUrl(formData.get('callbackUrl')) });
  } catch (error) {
    // The same answer for an unknown username and a wrong password.
    if (error instanceof AuthError && error.type === 'CredentialsSignin') return { formError: 'Wrong username or password' };
    throw error;
  }
  return {};
}

/** Revokes this session everywhere (a copied cookie stops working too) and closes its live sockets. */
export async function logout(): Promise<void> {
  const session = await getCurrentSession();
  if (session) {
    await revokeSession({ sessionId: session.sessionId, userId: session.user.id, expiresAt: session.expiresAt });
    disconnectSession(session.sessionId);
  }
  await signOut({ redirectTo: '/login' });
}
