import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getUserById, getUserByUsername } from '@/db/queries/users';
import type { UserDTO } from '@/lib/realtime/events';
import { authConfig } from './config';
import { verifyAgainstDummy, verifyPassword } from './password';
import { credentialsSchema } from './validation';

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const user = await getUserByUsername(parsed.data.username.trim());
        if (!user) return verifyAgainstDummy(parsed.data.password).then(() => null);
        if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return null;
        return { id: user.id, name: user.displayName, sessionVersion: user.sessionVersion };
      },
    }),
  ],
});

/**
 * The signed-in user, or null when signed out or when the session was revoked (password changed).
 * Cached per request: the layout and the page both ask.
 */
export const getCurrentUser = cache(async (): Promise<UserDTO | null> => {
  const session = await auth();
  if (!session?.user?.id) return null;
  const user = await getUserById(session.user.id);
  if (!user || user.sessionVersion !== session.sessionVersion) return null;
  return { id: user.id, username: user.username, displayName: user.displayName };
});

/** For pages: sends signed-out visitors to the login page, which brings them back here afterwards. */
export async function requireUser(): Promise<UserDTO> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = (await headers()).get('x-parley-path') ?? '/';
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}
