import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { GROUP_MAX_MEMBERS, type MessageDTO, type ReactionDTO, type ReplyPreviewDTO } from '@/lib/realtime/events';
import { parseMentionNames, toReplyPreviewDTO } from '@/lib/realtime/messages';
import { AppError } from '@/lib/errors';
import { getDb, type Transaction } from '../index';
import { chatMembers, chats, messageReactions, messages, type Message } from '../schema';

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
  attachments: messages.attachments,
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
  attachments: message.deletedAt ? [] : message.attachments,
  event: message.event ?? null,
  replyTo: extras.replyTo ?? null,
  mentionIds: message.mentionIds,
  editedAt: message.editedAt?.toISOString() ?? null,
  deleted: message.deletedAt !== null,
  reactions: extras.reactions ?? [],
  version: message.version,
  createdAt: message.createdAt.toISOString(),
});

export const toReplyPreview = (original: MessageRow): ReplyPreviewDTO => toReplyPreviewDTO({ ...original, deleted: original.deletedAt !== null });

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
      // Ties (same transaction start) broken by emoji and user, so every read lists them alike.
      .orderBy(asc(messageReactions.createdAt), asc(messageReactions.emoji), asc(messageReactions.userId)),
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
  const row = await getMessageRow(input);
  return row ? ((await hydrateMessages([row]))[0] ?? null) : null;
}

/** The stored row (no reactions, no quote): for checks before a reply or a change. */
export async function getMessageRow(input: { chatId: string; messageId: string }): Promise<MessageRow | null> {
  const [row] = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), eq(messages.id, input.messageId)))
    .limit(1);
  return row ?? null;
}

/**
 * The ids of the chat's current members (not the author) named as @username in `body`, computed by Postgres
 * inside the statement that stores the body: mentions cost the send path no extra statement. A name that is
 * not a current member is not a mention.
 */
export function mentionIdsFor(input: { chatId: string; authorId: string; body: string }): SQL {
  const names = parseMentionNames(input.body).slice(0, GROUP_MAX_MEMBERS);
  if (names.length === 0) return sql`'{}'::uuid[]`;
  return sql`coalesce((select array_agg(cm.user_id order by cm.user_id) from chat_members cm join users u on u.id = cm.user_id
    where cm.chat_id = ${input.chatId} and cm.left_at_seq is null and cm.user_id <> ${input.authorId}
    and u.username in (${sql.join(
      names.map((name) => sql`${name}`),
      sql`, `,
    )})), '{}'::uuid[])`;
}

/**
 * Call after taking the chat row lock (which every group change takes first): in READ COMMITTED this separate
 * statement reads a snapshot taken after that wait, so a removal that committed meanwhile is seen, and the
 * AppError rolls the caller's transaction back. A check inside the locking statement would use its older snapshot.
 */
export async function requireCurrentMember(tx: Transaction, chatId: string, userId: string): Promise<void> {
  const [member] = await tx
    .select({ userId: chatMembers.userId })
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId), isNull(chatMembers.leftAtSeq)));
  if (!member) throw new AppError('not_found');
}

/** A message by its sender's idempotency key: how a retried send finds what the first attempt stored. */
export async function getMessageByClientId(input: { chatId: string; senderId: string; clientId: string }): Promise<MessageRow | null> {
  const [row] = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), eq(messages.senderId, input.senderId), eq(messages.clientId, input.clientId)))
    .limit(1);
  return row ?? null;
}

/** A member's window: messages numbered in (afterSeq, upToSeq]; no upToSeq for a current member. */
export type SeqWindow = { afterSeq?: number; upToSeq?: number };

const inWindow = (window: SeqWindow) => [
  window.afterSeq ? gt(messages.seq, window.afterSeq) : undefined,
  window.upToSeq !== undefined ? lte(messages.seq, window.upToSeq) : undefined,
];

/** The newest `limit` messages, oldest first. */
export async function listRecentMessages(input: { chatId: string; limit: number } & SeqWindow): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), ...inWindow(input)))
    .orderBy(desc(messages.seq))
    .limit(input.limit);
  return hydrateMessages(rows.reverse());
}

/** Bumped by every edit, deletion and reaction; null for a chat that does not exist. */
export async function getChatRevision(chatId: string): Promise<number | null> {
  const [chat] = await getDb().select({ revision: chats.revision }).from(chats).where(eq(chats.id, chatId)).limit(1);
  return chat?.revision ?? null;
}

/** The chat's revision, then its newest messages: read in this order, the list is never older than the revision. */
export async function listRecentMessagesWithRevision(input: { chatId: string; limit: number }): Promise<{ messages: MessageDTO[]; revision: number } | null> {
  const revision = await getChatRevision(input.chatId);
  if (revision === null) return null;
  return { messages: await listRecentMessages(input), revision };
}

/** Up to `limit` messages numbered below `beforeSeq` (and inside the window), oldest first: one page of older history. */
export async function listMessagesBefore(input: { chatId: string; beforeSeq: number; limit: number } & SeqWindow): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), lt(messages.seq, input.beforeSeq), ...inWindow(input)))
    .orderBy(desc(messages.seq))
    .limit(input.limit);
  return hydrateMessages(rows.reverse());
}

/** Up to `limit` messages numbered above `afterSeq` (and up to `upToSeq`), oldest first: what a reconnecting client missed. */
export async function listMessagesAfter(input: { chatId: string; afterSeq: number; upToSeq?: number; limit: number }): Promise<MessageDTO[]> {
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), ...inWindow(input)))
    .orderBy(asc(messages.seq))
    .limit(input.limit);
  return hydrateMessages(rows);
}
