/**
 * Edits, deletions and reactions. Each runs in one transaction that changes the message, bumps its version
 * and bumps chats.revision, the number that tells every cached message list it is stale.
 *
 * Locks, in the same order as a send (insertMessage in ./message-insert.ts): the message row first with FOR NO KEY UPDATE, which
 * does not conflict with the KEY SHARE a reply's foreign key takes, then the chat row. A send holds the chat
 * row and may wait for a KEY SHARE on its original; this order can never wait the other way round.
 */
import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '@/lib/errors';
import { EDIT_WINDOW_MS, type MessageDTO } from '@/lib/realtime/events';
import { getDb, type Transaction } from '../index';
import { chats, messageReactions, messages } from '../schema';
import { getMessageById, mentionIdsFor, messageColumns, requireCurrentMember, type MessageRow } from './messages';

/** Who asks, and the message numbers they may read: (visibleAfterSeq, visibleUpToSeq] of their membership. */
export type ChangeInput = {
  chatId: string;
  messageId: string;
  userId: string;
  window: { visibleAfterSeq: number; visibleUpToSeq: number };
};

/** The message as it is now; `revision` is the chat's new revision, or null when nothing changed (a retry). */
export type ChangeResult = { message: MessageDTO; revision: number | null };

/**
 * Locks the message, lets `work` check and change it, and bumps version and chat revision when it did.
 * `work` throws an AppError to refuse: the transaction rolls back, so a refusal writes nothing.
 */
async function changeMessage(input: ChangeInput, work: (tx: Transaction, row: MessageRow) => Promise<boolean>): Promise<ChangeResult> {
  const revision = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .select(messageColumns)
      .from(messages)
      .where(and(eq(messages.chatId, input.chatId), eq(messages.id, input.messageId)))
      .for('no key update');
    // A message outside the asker's window looks like one that does not exist.
    if (!row || row.seq <= input.window.visibleAfterSeq || row.seq > input.window.visibleUpToSeq) throw new AppError('not_found');
    if (!(await work(tx, row))) return null;
    await tx
      .update(messages)
      .set({ version: sql`${messages.version} + 1` })
      .where(eq(messages.id, row.id));
    const [chat] = await tx
      .update(chats)
      .set({ revision: sql`${chats.revision} + 1` })
      .where(eq(chats.id, input.chatId))
      .returning({ revision: chats.revision });
    // The chat row lock is now held (group changes take it too): a removal that committed meanwhile is seen here.
    await requireCurrentMember(tx, input.chatId, input.userId);
    return chat!.revision;
  });
  const message = await getMessageById(input);
  if (!message) throw new AppError('not_found'); // the chat was deleted in between
  return { message, revision };
}

/** Only the author changes a text message; system lines belong to nobody. */
function requireOwnText(row: MessageRow, userId: string) {
  if (row.senderId !== userId || row.kind !== 'text') throw new AppError('forbidden');
}

/** The author's new text, within EDIT_WINDOW_MS of sending; mentions are resolved again against current members. */
export function editMessage(input: ChangeInput & { body: string }): Promise<ChangeResult> {
  return changeMessage(input, async (tx, row) => {
    requireOwnText(row, input.userId);
    if (row.deletedAt) throw new AppError('not_found');
    if (Date.now() - row.createdAt.getTime() > EDIT_WINDOW_MS) throw new AppError('edit_window_passed');
    // A retried edit (same text) changes nothing and bumps nothing.
    if (row.body === input.body) return false;
    await tx
      .update(messages)
      .set({
        body: input.body,
        editedAt: sql`now()`,
        mentionIds: mentionIdsFor({ chatId: input.chatId, authorId: input.userId, body: input.body }),
      })
      .where(eq(messages.id, row.id));
    return true;
  });
}

/**
 * Deletes the author's message for everyone: the text, its attachments, its mentions and its reactions are erased, the
 * row stays as a marker. The attachments' files leave storage after the commit (lib/attachments/remove.ts).
 */
export function deleteMessage(input: ChangeInput): Promise<ChangeResult> {
  return changeMessage(input, async (tx, row) => {
    requireOwnText(row, input.userId);
    if (row.deletedAt) return false; // a retry
    await tx.delete(messageReactions).where(eq(messageReactions.messageId, row.id));
    await tx
      .update(messages)
      .set({ body: '', attachments: [], mentionIds: sql`'{}'::uuid[]`, deletedAt: sql`now()` })
      .where(eq(messages.id, row.id));
    return true;
  });
}

/** Distinct emojis one person may put on one message: any emoji is allowed, a wall of them is not. */
export const MAX_REACTIONS_PER_USER = 20;

/** Adds the user's reaction with this emoji, or removes it if they had it: one per user per emoji. */
export function toggleReaction(input: ChangeInput & { emoji: string }): Promise<ChangeResult> {
  return changeMessage(input, async (tx, row) => {
    if (row.kind !== 'text') throw new AppError('forbidden');
    if (row.deletedAt) throw new AppError('not_found');
    const mine = and(eq(messageReactions.messageId, row.id), eq(messageReactions.userId, input.userId));
    const removed = await tx
      .delete(messageReactions)
      .where(and(mine, eq(messageReactions.emoji, input.emoji)))
      .returning({ emoji: messageReactions.emoji });
    if (removed.length > 0) return true;
    // The message row is locked: this count cannot race another toggle on the same message.
    const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(messageReactions).where(mine);
    if (count >= MAX_REACTIONS_PER_USER) throw new AppError('invalid_input');
    await tx.insert(messageReactions).values({ messageId: row.id, userId: input.userId, emoji: input.emoji });
    return true;
  });
}
