import type { IncomingHttpHeaders } from 'node:http';
import { getToken } from 'next-auth/jwt';
import { getUserById } from '@/db/queries/users';
import { getEnv, usesSecureCookies } from '@/lib/env';

/**
 * Reads the Auth.js session cookie of a socket handshake and returns its user, or null for a missing,
 * tampered, expired or revoked session. getToken handles chunked cookies and picks the cookie name
 * (and JWT salt) by protocol, like Auth.js itself.
 */
export async function authenticateHandshake(requestHeaders: IncomingHttpHeaders): Promise<{ userId: string } | null> {
  const env = getEnv();
  if (!env.AUTH_SECRET) throw new Error('AUTH_SECRET is not set');
  const headers = new Headers();
  if (requestHeaders.cookie) headers.set('cookie', requestHeaders.cookie);
  const token = await getToken({ req: { headers }, secret: env.AUTH_SECRET, secureCookie: usesSecureCookies(env) });
  if (!token?.sub) return null;
  const user = await getUserById(token.sub);
  if (!user || user.sessionVersion !== token.sv) return null;
  return { userId: user.id };
}
