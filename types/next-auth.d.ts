import 'next-auth';

declare module 'next-auth' {
  interface User {
    sessionVersion?: number;
  }
  interface Session {
    user: { id: string; name?: string | null };
    sessionVersion: number;
    /** One per sign-in: signing out revokes it (and only it) everywhere. */
    sessionId: string;
  }
}
