import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '../index';
import { chatMembers, chats, users } from '../schema';

export type Privacy = { hideLastSeen: boolean; sendReadReceipts: boolean };

/** Stamps "last seen" for users going offline, and once a minute for users still online (crash safety). */
export async function markLastSeen(userIds: string[]): Promise<Date> {
  const now = new Date();
  if (userIds.length > 0) await getDb().update(users).set({ lastSeenAt: now }).where(inArray(users.id, userIds));
  return now;
}

export async function getPresenceFacts(userId: string): Promise<(Privacy & { lastSeenAt: Date | null }) | null> {
  const [row] = await getDb()
    .select({ hideLastSeen: users.hideLastSeen, sendReadReceipts: users.sendReadReceipts, lastSeenAt: users.lastSeenAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}

const mine = alias(chatMembers, 'mine');

/**
 * Everyone who shares a 1:1 chat with the user, with their privacy settings: the audience of presence. Groups show
 * members, not who is online; announcing to them would cost a 1,000-member group a million frames as it connects.
 */
export async function listContacts(userId: string): Promise<(Privacy & { userId: string })[]> {
  return getDb()
    .selectDistinct({ userId: users.id, hideLastSeen: users.hideLastSeen, sendReadReceipts: users.sendReadReceipts })
    .from(mine)
    .innerJoin(chats, and(eq(chats.id, mine.chatId), eq(chats.kind, 'direct')))
    .innerJoin(chatMembers, and(eq(chatMembers.chatId, mine.chatId), ne(chatMembers.userId, mine.userId)))
    .innerJoin(users, eq(users.id, chatMembers.userId))
    .where(eq(mine.userId, userId));
}

export async function updatePrivacy(input: { userId: string } & Privacy): Promise<void> {
  await getDb()
    .update(users)
    .set({ hideLastSeen: input.hideLastSeen, sendReadReceipts: input.sendReadReceipts })
    .where(eq(users.id, input.userId));
}

export type ReceiptUpdate = { chatId: string; userId: string; deliveredSeq: number; readSeq: number };
export type MemberPosition = ReceiptUpdate & { markedUnread: boolean };

/**
 * Raises many members' delivered/read positions in one statement (the coalesced batch of a flush).
 * Positions only go up and never past the last message the member may read (the chat's, or where a former
 * member left: a batch flushed after a removal cannot claim later messages); reading clears "marked unread".
 */
export async function applyReceiptUpdates(updates: ReceiptUpdate[]): Promise<MemberPosition[]> {
  if (updates.length === 0) return [];
  const rows = await getDb().execute<{ chat_id: string; user_id: string; delivered_seq: number; read_seq: number; marked_unread: boolean }>(sql`
    update chat_members as cm set
      read_seq = greatest(cm.read_seq, least(v.read_seq, coalesce(cm.left_at_seq, c.last_seq))),
      delivered_seq = greatest(cm.delivered_seq, least(greatest(v.delivered_seq, v.read_seq), coalesce(cm.left_at_seq, c.last_seq))),
      marked_unread = cm.marked_unread and v.read_seq = 0
    from unnest(
      ${sql.param(updates.map((u) => u.chatId))}::uuid[],
      ${sql.param(updates.map((u) => u.userId))}::uuid[],
      ${sql.param(updates.map((u) => u.deliveredSeq))}::int[],
      ${sql.param(updates.map((u) => u.readSeq))}::int[]
    ) as v(chat_id, user_id, delivered_seq, read_seq), chats as c
    where cm.chat_id = v.chat_id and cm.user_id = v.user_id and c.id = v.chat_id
    returning cm.chat_id, cm.user_id, cm.delivered_seq, cm.read_seq, cm.marked_unread`);
  return rows.map((row) => ({
    chatId: row.chat_id,
    userId: row.user_id,
    deliveredSeq: row.delivered_seq,
    readSeq: row.read_seq,
    markedUnread: row.marked_unread,
  }));
}

export async function markChatUnread(input: { chatId: string; userId: string }): Promise<boolean> {
  const rows = await getDb()
    .update(chatMembers)
    .set({ markedUnread: true })
    .where(and(eq(chatMembers.chatId, input.chatId), eq(chatMembers.userId, input.userId)))
    .returning({ chatId: chatMembers.chatId });
  return rows.length > 0;
}
