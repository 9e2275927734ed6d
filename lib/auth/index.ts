import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getSessionUser } from '@/db/queries/sessions';
import { getUserByUsername, toUserDTO } from '@/db/queries/users';
import type { UserDTO } from '@/lib/realtime/events';
import { authConfig } from './config';
import { CLIENT_ADDRESS_HEADER } from '@/lib/client-address';
import { verifyAgainstDummy, verifyPassword } from './password';
import { isSignInBlocked, recordSignInFailure } from './sign-in-limits';
import { credentialsSchema, sessionClaimsSchema } from './validation';

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const attempt = { username: parsed.data.username, address: request.headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown' };
        // Checked here, not only in the login action: Auth.js's own callback endpoint reaches this too.
        if (await isSignInBlocked(attempt)) return null;
        const user = await getUserByUsername(parsed.data.username.trim());
        // An unknown username costs the same work as a wrong password, so timing tells nothing either.
        const valid = user ? await verifyPassword(user.passwordHash, parsed.data.password) : await verifyAgainstDummy(parsed.data.password);
        if (!user || !valid) {
          await recordSignInFailure(attempt);
          return null;
        }
        return { id: user.id, name: user.displayName, sessionVersion: user.sessionVersion };
      },
    }),
  ],
});

/**
 * The signed-in session, or null when signed out, signed out elsewhere, or revoked by a password change.
 * Cached per request: the layout and the page both ask.
 */
export const getCurrentSession = cache(async (): Promise<{ user: UserDTO; sessionId: string; expiresAt: Date } | null> => {
  const session = await auth();
  const claims = sessionClaimsSchema.safeParse({
    userId: session?.user?.id,
    sessionId: session?.sessionId,
    sessionVersion: session?.sessionVersion,
  });
  if (!session || !claims.success) return null;
  const user = await getSessionUser(claims.data);
  if (!user) return null;
  return {
    user: toUserDTO(user),
    sessionId: claims.data.sessionId,
    expiresAt: new Date(session.expires),
  };
});

/** The signed-in user, or null (see getCurrentSession). */
export async function getCurrentUser(): Promise<UserDTO | null> {
  return (await getCurrentSession())?.user ?? null;
}

/** For pages: sends signed-out visitors to the login page, which brings them back here afterwards. */
export async function requireUser(): Promise<UserDTO> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = (await headers()).get('x-parley-path') ?? '/';
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}
