import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { TransactionRollbackError } from 'drizzle-orm';
import type { MessageDTO } from '@/lib/realtime/events';
import { getDb } from '../index';
import { chats, messages, type Message } from '../schema';

export const toMessageDTO = (message: Message): MessageDTO => ({
  id: message.id,
  chatId: message.chatId,
  seq: message.seq,
  senderId: message.senderId,
  clientId: message.clientId,
  body: message.body,
  createdAt: message.createdAt.toISOString(),
});

async function getMessageByClientId(input: { chatId: string; senderId: string; clientId: string }): Promise<Message | null> {
  const [row] = await getDb()
    .select()
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), eq(messages.senderId, input.senderId), eq(messages.clientId, input.clientId)))
    .limit(1);
  return row ?? null;
}

/**
 * Stores a message once per (chat, sender, clientId) and gives it the chat's next number.
 * The chat row lock taken by the increment is held until commit, so numbers follow commit order
 * and have no gaps: a duplicate rolls the increment back.
 */
export async function insertMessage(input: {
  chatId: string;
  senderId: string;
  clientId: string;
  body: string;
}): Promise<{ message: MessageDTO; created: boolean }> {
  const existing = await getMessageByClientId(input);
  if (existing) return { message: toMessageDTO(existing), created: false };
  try {
    const inserted = await getDb().transaction(async (tx) => {
      const [chat] = await tx
        .update(chats)
        .set({ lastSeq: sql`${chats.lastSeq} + 1`, lastMessageAt: sql`now()` })
        .where(eq(chats.id, input.chatId))
        .returning({ seq: chats.lastSeq });
      if (!chat) throw new Error('insertMessage: chat vanished');
      const [row] = await tx
        .insert(messages)
        .values({ ...input, seq: chat.seq })
        .onConflictDoNothing({ target: [messages.chatId, messages.senderId, messages.clientId] })
        .returning();
      if (!row) tx.rollback(); // a concurrent retry of the same send won the race
      return row!;
    });
    return { message: toMessageDTO(inserted), created: true };
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
    const winner = await getMessageByClientId(input);
    if (!winner) throw new Error('insertMessage: duplicate vanished');
    return { message: toMessageDTO(winner), created: false };
  }
}

/** The newest `limit` messages, oldest first. */
export async function listRecentMessages(input: { chatId: string; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select()
    .from(messages)
    .where(eq(messages.chatId, input.chatId))
    .orderBy(desc(messages.seq))
    .limit(input.limit);
  return rows.reverse().map(toMessageDTO);
}

/** Up to `limit` messages numbered below `beforeSeq`, oldest first: one page of older history. */
export async function listMessagesBefore(input: { chatId: string; beforeSeq: number; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select()
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), lt(messages.seq, input.beforeSeq)))
    .orderBy(desc(messages.seq))
    .limit(input.limit);
  return rows.reverse().map(toMessageDTO);
}

/** Up to `limit` messages numbered above `afterSeq`, oldest first: what a reconnecting client missed. */
export async function listMessagesAfter(input: { chatId: string; afterSeq: number; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select()
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), gt(messages.seq, input.afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(input.limit);
  return rows.map(toMessageDTO);
}
