import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ChatSummaryDTO } from '@/lib/realtime/events';
import { getDb } from '../index';
import { chatMembers, chats, messages, users } from '../schema';
import { toMessageDTO } from './messages';
import { toUserDTO } from './users';

/** One key per unordered pair of users: the unique index on it makes "start chat" race-free. */
export function directChatKey(userA: string, userB: string): string {
  return [userA, userB].sort().join(':');
}

/** Opens the 1:1 chat of two users, creating it (with both memberships) if it does not exist yet. */
export async function getOrCreateDirectChat(input: { userId: string; peerId: string }): Promise<{ chatId: string; created: boolean }> {
  const directKey = directChatKey(input.userId, input.peerId);
  return getDb().transaction(async (tx) => {
    const [created] = await tx.insert(chats).values({ directKey }).onConflictDoNothing({ target: chats.directKey }).returning({ id: chats.id });
    if (created) {
      await tx.insert(chatMembers).values([
        { chatId: created.id, userId: input.userId },
        { chatId: created.id, userId: input.peerId },
      ]);
      return { chatId: created.id, created: true };
    }
    // Another request created it first; its transaction has committed, so this statement sees it.
    const [existing] = await tx.select({ id: chats.id }).from(chats).where(eq(chats.directKey, directKey)).limit(1);
    if (!existing) throw new Error('getOrCreateDirectChat: chat vanished');
    return { chatId: existing.id, created: false };
  });
}

/** Null when the chat does not exist or the user is not a member: callers answer both the same way. */
export async function getMembership(input: { chatId: string; userId: string }): Promise<{ lastSeq: number } | null> {
  const [row] = await getDb()
    .select({ lastSeq: chats.lastSeq })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(and(eq(chatMembers.chatId, input.chatId), eq(chatMembers.userId, input.userId)))
    .limit(1);
  return row ?? null;
}

export async function listChatIdsForUser(userId: string): Promise<string[]> {
  const rows = await getDb().select({ chatId: chatMembers.chatId }).from(chatMembers).where(eq(chatMembers.userId, userId));
  return rows.map((row) => row.chatId);
}

export async function listChatMemberIds(chatId: string): Promise<string[]> {
  const rows = await getDb().select({ userId: chatMembers.userId }).from(chatMembers).where(eq(chatMembers.chatId, chatId));
  return rows.map((row) => row.userId);
}

const me = alias(chatMembers, 'me');
const other = alias(chatMembers, 'other');

const meUser = alias(users, 'me_user');

function summaryQuery(userId: string) {
  return getDb()
    .select({
      chat: chats,
      peer: users,
      lastMessage: messages,
      me: { readSeq: me.readSeq, markedUnread: me.markedUnread, sendReadReceipts: meUser.sendReadReceipts },
      other: { deliveredSeq: other.deliveredSeq, readSeq: other.readSeq },
      // Uses the (chat_id, seq) index; unread runs are short.
      unreadCount: sql<number>`(select count(*)::int from ${messages} as unread where unread.chat_id = ${chats.id} and unread.seq > ${me.readSeq} and unread.sender_id <> ${me.userId})`,
    })
    .from(me)
    .innerJoin(chats, eq(chats.id, me.chatId))
    .innerJoin(meUser, eq(meUser.id, me.userId))
    .innerJoin(other, and(eq(other.chatId, chats.id), ne(other.userId, me.userId)))
    .innerJoin(users, eq(users.id, other.userId))
    .leftJoin(messages, and(eq(messages.chatId, chats.id), eq(messages.seq, chats.lastSeq)))
    .$dynamic()
    .where(eq(me.userId, userId));
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['execute']>>[number];

const toChatSummaryDTO = (row: SummaryRow): ChatSummaryDTO => ({
  id: row.chat.id,
  peer: toUserDTO(row.peer),
  lastMessage: row.lastMessage ? toMessageDTO(row.lastMessage) : null,
  lastActivityAt: (row.chat.lastMessageAt ?? row.chat.createdAt).toISOString(),
  unreadCount: row.unreadCount,
  markedUnread: row.me.markedUnread,
  myReadSeq: row.me.readSeq,
  peerDeliveredSeq: row.other.deliveredSeq,
  peerReadSeq: row.me.sendReadReceipts && row.peer.sendReadReceipts ? row.other.readSeq : null,
});

/** Every chat of the user, newest activity first. */
export async function listChatsForUser(userId: string, limit = 200): Promise<ChatSummaryDTO[]> {
  const rows = await summaryQuery(userId)
    .orderBy(desc(sql`coalesce(${chats.lastMessageAt}, ${chats.createdAt})`))
    .limit(limit);
  return rows.map(toChatSummaryDTO);
}

/** The chat as `userId` sees it in their list, or null for a non-member. */
export async function getChatSummaryForUser(input: { chatId: string; userId: string }): Promise<ChatSummaryDTO | null> {
  const [row] = await summaryQuery(input.userId)
    .where(and(eq(me.userId, input.userId), eq(chats.id, input.chatId)))
    .limit(1);
  return row ? toChatSummaryDTO(row) : null;
}
