import type { NextAuthConfig } from 'next-auth';
import { usesSecureCookies } from '@/lib/env';

/** The part of the Auth.js configuration that needs no database: JWT sessions and their claims. */
export const authConfig = {
  trustHost: true,
  useSecureCookies: usesSecureCookies(),
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: '/login' },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sv = user.sessionVersion;
        token.sid = crypto.randomUUID();
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? '';
      session.sessionVersion = typeof token.sv === 'number' ? token.sv : 0;
      session.sessionId = typeof token.sid === 'string' ? token.sid : '';
      return session;
    },
  },
  logger: {
    // A wrong password is an expected outcome, not a server error.
    error(error) {
      if ((error as { type?: string }).type === 'CredentialsSignin') return;
      console.error(error);
    },
  },
} satisfies NextAuthConfig;
