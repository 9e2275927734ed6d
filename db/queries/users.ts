import { and, asc, eq, ilike, ne, or, sql } from 'drizzle-orm';
import type { UserDTO } from '@/lib/realtime/events';
import { userAvatarUrl } from '@/lib/avatars/urls';
import { getDb } from '../index';
import { users, type User } from '../schema';

export const toUserDTO = (user: Pick<User, 'id' | 'username' | 'displayName' | 'avatarVersion'>): UserDTO => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  avatarUrl: userAvatarUrl(user.id, user.avatarVersion),
});

/** Returns null when the username is taken (case-insensitively). */
export async function createUser(input: { username: string; displayName: string; passwordHash: string }): Promise<User | null> {
  const [user] = await getDb()
    .insert(users)
    .values({ ...input, username: input.username.toLowerCase() })
    .onConflictDoNothing({ target: users.username })
    .returning();
  return user ?? null;
}

export async function getUserByUsername(username: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.username, username.toLowerCase())).limit(1);
  return user ?? null;
}

export async function getUserById(id: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}

/** `%`, `_` and `\` in the query are matched literally. */
export function escapeLikePattern(query: string): string {
  return query.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Case-insensitive prefix and substring match on username or display name; prefix matches first; never the searcher. */
export async function searchUsers(input: { query: string; excludeUserId: string; limit?: number }): Promise<UserDTO[]> {
  const escaped = escapeLikePattern(input.query.toLowerCase());
  const contains = `%${escaped}%`;
  const prefix = `${escaped}%`;
  const rows = await getDb()
    .select({ id: users.id, username: users.username, displayName: users.displayName, avatarVersion: users.avatarVersion })
    .from(users)
    .where(and(ne(users.id, input.excludeUserId), or(ilike(users.username, contains), ilike(users.displayName, contains))))
    .orderBy(
      sql`(${users.username} like ${prefix} or lower(${users.displayName}) like ${prefix}) desc`,
      asc(users.displayName),
      asc(users.username),
    )
    .limit(input.limit ?? 20);
  return rows.map(toUserDTO);
}

export async function updateDisplayName(input: { userId: string; displayName: string }): Promise<void> {
  await getDb().update(users).set({ displayName: input.displayName }).where(eq(users.id, input.userId));
}

/** Stores the new hash and bumps the session version, which revokes every existing session. */
export async function updatePassword(input: { userId: string; passwordHash: string }): Promise<number> {
  const [row] = await getDb()
    .update(users)
    .set({ passwordHash: input.passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, input.userId))
    .returning({ sessionVersion: users.sessionVersion });
  if (!row) throw new Error('updatePassword: user vanished');
  return row.sessionVersion;
}
