import { eq } from 'drizzle-orm';
import { AppError } from '@/lib/errors';
import { getDb } from '../index';
import { chats, users } from '../schema';
import { getMembership } from './chats';
import { lockGroupAsAdmin } from './groups';

/**
 * Which picture a user or group shows: `avatarVersion`, a random token per upload (null: initials). Each switch
 * returns the version it replaced, so the caller can delete that object once the new one is live.
 */

/** Sets (or, with null, clears) the user's picture; null when the user no longer exists. */
export async function switchUserAvatar(input: { userId: string; version: string | null }): Promise<{ previous: string | null } | null> {
  return getDb().transaction(async (tx) => {
    // Locked, so two uploads at once each learn the version the other replaced, and no object is left behind.
    const [row] = await tx.select({ version: users.avatarVersion }).from(users).where(eq(users.id, input.userId)).for('update');
    if (!row) return null;
    await tx.update(users).set({ avatarVersion: input.version }).where(eq(users.id, input.userId));
    return { previous: row.version };
  });
}

/**
 * Before an upload is read: may this user change the group's picture? The refusals of db/queries/groups.ts:
 * not_found for an unknown chat, a 1:1 chat or someone who is not a current member (a stranger learns nothing),
 * forbidden for a member who is not an admin. A read without the lock; switchGroupAvatar checks again.
 */
export async function requireGroupAdmin(input: { chatId: string; userId: string }): Promise<void> {
  const membership = await getMembership(input);
  if (!membership || membership.kind !== 'group') throw new AppError('not_found');
  if (membership.role !== 'admin') throw new AppError('forbidden');
}

/**
 * Sets (or clears) a group's picture as a current admin; AppError otherwise (the refusals of requireGroupAdmin).
 * Checked again under the lock every membership change takes first (db/queries/groups.ts: lockGroup), so an admin
 * removed while their upload was being resized is refused here.
 */
export async function switchGroupAvatar(input: { chatId: string; actorId: string; version: string | null }): Promise<{ previous: string | null }> {
  return getDb().transaction(async (tx) => {
    await lockGroupAsAdmin(tx, input.chatId, input.actorId);
    const [chat] = await tx.select({ version: chats.avatarVersion }).from(chats).where(eq(chats.id, input.chatId));
    await tx.update(chats).set({ avatarVersion: input.version }).where(eq(chats.id, input.chatId));
    return { previous: chat?.version ?? null };
  });
}

/** The user's current picture version (null: initials, or no such user). Any signed-in user may ask. */
export async function getUserAvatarVersion(userId: string): Promise<string | null> {
  const [row] = await getDb().select({ version: users.avatarVersion }).from(users).where(eq(users.id, userId));
  return row?.version ?? null;
}

/** The group's current picture version, for its current and former members only; null for anyone else. */
export async function getGroupAvatarVersion(input: { chatId: string; viewerId: string }): Promise<string | null> {
  // Current members only: a former member's list shows the group as it was when they left, and its pictures
  // since are not theirs to see (old versions are deleted, so they see initials).
  const membership = await getMembership({ chatId: input.chatId, userId: input.viewerId });
  if (!membership || membership.kind !== 'group') return null;
  const [row] = await getDb().select({ version: chats.avatarVersion }).from(chats).where(eq(chats.id, input.chatId));
  return row?.version ?? null;
}
