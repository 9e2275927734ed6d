'use client';

import type { ClientSocket } from './client';

const DEBOUNCE_MS = 300;
const pending = new Map<string, { deliveredSeq: number; readSeq: number }>();
const sent = new Map<string, { deliveredSeq: number; readSeq: number }>();
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Reports how far this device got in a chat (delivered: the messages reached it; read: the person saw them).
 * Positions only rise; reports are merged per chat and sent at most every 300 ms, and only when they moved.
 */
export function reportReceipt(socket: ClientSocket, chatId: string, position: { deliveredSeq?: number; readSeq?: number }) {
  const current = pending.get(chatId) ?? sent.get(chatId) ?? { deliveredSeq: 0, readSeq: 0 };
  const readSeq = Math.max(current.readSeq, position.readSeq ?? 0);
  const deliveredSeq = Math.max(current.deliveredSeq, position.deliveredSeq ?? 0, readSeq);
  const last = sent.get(chatId);
  if (last && last.deliveredSeq >= deliveredSeq && last.readSeq >= readSeq) return;
  pending.set(chatId, { deliveredSeq, readSeq });
  timer ??= setTimeout(() => {
    timer = undefined;
    for (const [id, next] of pending) {
      socket.emit('receipt:update', { chatId: id, ...next });
      sent.set(id, next);
    }
    pending.clear();
  }, DEBOUNCE_MS);
}

/** The chat was marked unread: forget what this tab reported, so its next sighting is reported (and clears it). */
export function forgetReported(chatId: string) {
  sent.delete(chatId);
}
