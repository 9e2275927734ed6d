import type { IncomingHttpHeaders } from 'node:http';
import { getToken } from 'next-auth/jwt';
import { getSessionUser } from '@/db/queries/sessions';
import { getEnv, usesSecureCookies } from '@/lib/env';
import { sessionClaimsSchema } from './validation';

/**
 * Reads the Auth.js session cookie of a socket handshake and returns its user, or null for a missing,
 * tampered, expired, signed-out or revoked session. getToken handles chunked cookies and picks the cookie name
 * (and JWT salt) by protocol, like Auth.js itself.
 */
export async function authenticateHandshake(requestHeaders: IncomingHttpHeaders): Promise<{ userId: string; sessionId: string } | null> {
  const env = getEnv();
  if (!env.AUTH_SECRET) throw new Error('AUTH_SECRET is not set');
  const headers = new Headers();
  if (requestHeaders.cookie) headers.set('cookie', requestHeaders.cookie);
  const token = await getToken({ req: { headers }, secret: env.AUTH_SECRET, secureCookie: usesSecureCookies(env) });
  const claims = sessionClaimsSchema.safeParse({ userId: token?.sub, sessionId: token?.sid, sessionVersion: token?.sv });
  if (!claims.success) return null;
  const user = await getSessionUser(claims.data);
  return user ? { userId: user.id, sessionId: claims.data.sessionId } : null;
}
