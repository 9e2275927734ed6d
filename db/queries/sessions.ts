import { and, eq, lt, notExists, sql } from 'drizzle-orm';
import { getDb } from '../index';
import { revokedSessions, users, type User } from '../schema';

/**
 * The user of a session token, or null when the user is gone, changed their password since the token
 * was issued (session version), or signed this session out.
 */
export async function getSessionUser(input: { userId: string; sessionId: string; sessionVersion: number }): Promise<User | null> {
  const [user] = await getDb()
    .select()
    .from(users)
    .where(
      and(
        eq(users.id, input.userId),
        eq(users.sessionVersion, input.sessionVersion),
        notExists(getDb().select({ one: sql`1` }).from(revokedSessions).where(eq(revokedSessions.sessionId, input.sessionId))),
      ),
    )
    .limit(1);
  return user ?? null;
}

/** Signs one session out everywhere; rows outlive the token by nothing, so expired ones are swept here. */
export async function revokeSession(input: { sessionId: string; userId: string; expiresAt: Date }): Promise<void> {
  await getDb().insert(revokedSessions).values(input).onConflictDoNothing();
  await getDb().delete(revokedSessions).where(lt(revokedSessions.expiresAt, sql`now()`));
}
