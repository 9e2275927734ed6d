import { AppError } from '@/lib/errors';
import { receiptSchema, rooms } from '../events';
import type { ReceiptBuffer } from '../receipts';
import type { RealtimeServer, RealtimeSocket } from '../server';
import { withAck } from '../with-ack';

export function registerReceiptHandlers(_io: RealtimeServer, socket: RealtimeSocket, receipts: ReceiptBuffer) {
  const { userId } = socket.data;
  socket.on(
    'receipt:update',
    withAck('receipt:update', receiptSchema, async ({ chatId, deliveredSeq, readSeq }) => {
      // Membership was checked when the socket joined the room; the write itself is batched.
      if (!socket.rooms.has(rooms.chat(chatId))) throw new AppError('not_found');
      receipts.add({ chatId, userId, deliveredSeq, readSeq });
      return null;
    }),
  );
}
