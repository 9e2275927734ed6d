import { z } from 'zod';

// Shared by the forms (client-side hints) and the server actions (the real check).
export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'Username must be at least 3 characters')
  .max(32, 'Username must be at most 32 characters')
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9_]+$/, 'Use only letters, digits and _'));

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Display name is required')
  .max(50, 'Display name must be at most 50 characters');

export const passwordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(128, 'Password must be at most 128 characters');

export const credentialsSchema = z.object({ username: z.string().max(64), password: z.string().max(128) });

/** Only same-site paths, so a crafted link cannot bounce a fresh sign-in to another site. */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

/** The claims Parley puts in a session token; a token without all three is not a session. */
export const sessionClaimsSchema = z.object({ userId: z.uuid(), sessionId: z.uuid(), sessionVersion: z.number().int() });
