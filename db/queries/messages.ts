import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { TransactionRollbackError } from 'drizzle-orm';
import type { MessageDTO, ReactionDTO, ReplyPreviewDTO } from '@/lib/realtime/events';
import { getDb } from '../index';
import { chats, messageReactions, messages, type Message } from '../schema';

/** How much of a replied-to message the quote shows. */
const REPLY_SNIPPET_LENGTH = 120;

/** Every column but the search vector, which only the database needs. */
const messageColumns = {
  id: messages.id,
  chatId: messages.chatId,
  seq: messages.seq,
  senderId: messages.senderId,
  clientId: messages.clientId,
  kind: messages.kind,
  body: messages.body,
  event: messages.event,
  replyToId: messages.replyToId,
  mentionIds: messages.mentionIds,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  version: messages.version,
  createdAt: messages.createdAt,
};
export type MessageRow = Omit<Message, 'searchVector'>;

export const toMessageDTO = (
  message: MessageRow,
  extras: { reactions?: ReactionDTO[]; replyTo?: ReplyPreviewDTO | null } = {},
): MessageDTO => ({
  id: message.id,
  chatId: message.chatId,
  seq: message.seq,
  senderId: message.senderId,
  clientId: message.clientId,
  kind: message.kind,
  body: message.body,
  event: message.event ?? null,
  replyTo: extras.replyTo ?? null,
  mentionIds: message.mentionIds,
  editedAt: message.editedAt?.toISOString() ?? null,
  deleted: message.deletedAt !== null,
  reactions: extras.reactions ?? [],
  version: message.version,
  createdAt: message.createdAt.toISOString(),
});

export const toReplyPreview = (original: MessageRow): ReplyPreviewDTO => ({
  id: original.id,
  seq: original.seq,
  senderId: original.senderId,
  snippet: Array.from(original.body).slice(0, REPLY_SNIPPET_LENGTH).join(''),
  deleted: original.deletedAt !== null,
});

/** Rows → DTOs with their reactions and reply quotes: two batched queries, whatever the page size. */
export async function hydrateMessages(rows: MessageRow[]): Promise<MessageDTO[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const replyIds = [...new Set(rows.flatMap((row) => (row.replyToId ? [row.replyToId] : [])))];
  const [reactionRows, originals] = await Promise.all([
    getDb()
      .select({ messageId: messageReactions.messageId, userId: messageReactions.userId, emoji: messageReactions.emoji })
      .from(messageReactions)
      .where(inArray(messageReactions.messageId, ids))
      .orderBy(asc(messageReactions.createdAt)),
    replyIds.length > 0 ? getDb().select(messageColumns).from(messages).where(inArray(messages.id, replyIds)) : Promise.resolve([]),
  ]);
  const reactions = new Map<string, ReactionDTO[]>();
  for (const { messageId, userId, emoji } of reactionRows) {
    const list = reactions.get(messageId) ?? [];
    const entry = list.find((r) => r.emoji === emoji);
    if (entry) entry.userIds.push(userId);
    else list.push({ emoji, userIds: [userId] });
    reactions.set(messageId, list);
  }
  const originalsById = new Map(originals.map((original) => [original.id, original]));
  return rows.map((row) => {
    const original = row.replyToId ? originalsById.get(row.replyToId) : undefined;
    return toMessageDTO(row, { reactions: reactions.get(row.id), replyTo: original ? toReplyPreview(original) : null });
  });
}

export { messageColumns };

export async function getMessageById(input: { chatId: string; messageId: string }): Promise<MessageDTO | null> {
  const [row] = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), eq(messages.id, input.messageId)))
    .limit(1);
  return row ? ((await hydrateMessages([row]))[0] ?? null) : null;
}

async function getMessageByClientId(input: { chatId: string; senderId: string; clientId: string }): Promise<MessageRow | null> {
  const [row] = await getDb()
    .select(messageColumns)
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
  if (existing) return { message: (await hydrateMessages([existing]))[0]!, created: false };
  // A new message has no reactions yet: only a reply costs one more read, for its quote.
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
        .returning(messageColumns);
      if (!row) tx.rollback(); // a concurrent retry of the same send won the race
      return row!;
    });
    const message = inserted.replyToId ? (await hydrateMessages([inserted]))[0]! : toMessageDTO(inserted);
    return { message, created: true };
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
    const winner = await getMessageByClientId(input);
    if (!winner) throw new Error('insertMessage: duplicate vanished');
    return { message: (await hydrateMessages([winner]))[0]!, created: false };
  }
}

/** The newest `limit` messages, oldest first. */
export async function listRecentMessages(input: { chatId: string; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(eq(messages.chatId, input.chatId))
    .orderBy(desc(messages.seq))
    .limit(input.limit);
  return hydrateMessages(rows.reverse());
}

/** Up to `limit` messages numbered below `beforeSeq`, oldest first: one page of older history. */
export async function listMessagesBefore(input: { chatId: string; beforeSeq: number; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), lt(messages.seq, input.beforeSeq)))
    .orderBy(desc(messages.seq))
    .limit(input.limit);
  return hydrateMessages(rows.reverse());
}

/** Up to `limit` messages numbered above `afterSeq`, oldest first: what a reconnecting client missed. */
export async function listMessagesAfter(input: { chatId: string; afterSeq: number; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), gt(messages.seq, input.afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(input.limit);
  return hydrateMessages(rows);
}
