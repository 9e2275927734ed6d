import { and, eq, inArray, isNull } from 'drizzle-orm';
import { getDb } from '@/db';
import { applyReceiptUpdates, type ReceiptUpdate } from '@/db/queries/presence';
import { chatMembers, users } from '@/db/schema';
import { logger } from '@/lib/logger';
import { rooms } from './events';
import type { RealtimeServer } from './registry';

const FLUSH_MS = 200;

/**
 * Delivered and read positions arrive for nearly every message; they are merged in memory (highest number
 * wins) and written in one statement per flush, so they add no database write per message.
 */
export function createReceiptBuffer(io: RealtimeServer, flushMs = FLUSH_MS) {
  const pending = new Map<string, ReceiptUpdate>();
  let timer: NodeJS.Timeout | undefined;

  async function audience(chatIds: string[]) {
    return getDb()
      .select({ chatId: chatMembers.chatId, userId: chatMembers.userId, sendReadReceipts: users.sendReadReceipts })
      .from(chatMembers)
      .innerJoin(users, eq(users.id, chatMembers.userId))
      // Current members only: a removed member hears no positions from after their removal.
      .where(and(inArray(chatMembers.chatId, chatIds), isNull(chatMembers.leftAtSeq)));
  }

  async function flush() {
    timer = undefined;
    const batch = [...pending.values()];
    pending.clear();
    if (batch.length === 0) return;
    try {
      const positions = await applyReceiptUpdates(batch);
      const members = await audience([...new Set(positions.map((p) => p.chatId))]);
      const receipts = new Map(members.map((m) => [`${m.chatId}:${m.userId}`, m.sendReadReceipts]));
      for (const position of positions) {
        // The reader's other tabs and devices: clears their unread count.
        io.to(rooms.user(position.userId)).emit('chat:read', { chatId: position.chatId, readSeq: position.readSeq, markedUnread: position.markedUnread });
        const readerShares = receipts.get(`${position.chatId}:${position.userId}`) ?? false;
        for (const member of members) {
          if (member.chatId !== position.chatId || member.userId === position.userId) continue;
          const readSeq = readerShares && member.sendReadReceipts ? position.readSeq : null;
          io.to(rooms.user(member.userId)).emit('receipt:update', { chatId: position.chatId, userId: position.userId, deliveredSeq: position.deliveredSeq, readSeq });
        }
      }
    } catch (error) {
      // Postgres away: keep the positions (they only go up) and try again.
      for (const update of batch) add(update);
      logger.warn('receipts_flush_failed', { count: batch.length, message: error instanceof Error ? error.message : String(error) });
    }
  }

  function add(update: ReceiptUpdate) {
    const key = `${update.chatId}:${update.userId}`;
    const current = pending.get(key);
    pending.set(key, {
      ...update,
      deliveredSeq: Math.max(update.deliveredSeq, current?.deliveredSeq ?? 0),
      readSeq: Math.max(update.readSeq, current?.readSeq ?? 0),
    });
    timer ??= setTimeout(() => void flush(), flushMs);
  }

  return { add, flush };
}

export type ReceiptBuffer = ReturnType<typeof createReceiptBuffer>;
