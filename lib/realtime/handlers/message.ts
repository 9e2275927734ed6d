import { getMembership, getReadableMembership } from '@/db/queries/chats';
import { getMessageRow, insertMessage, listMessagesAfter } from '@/db/queries/messages';
import { getRecentMessagesCache, logCacheFailure } from '@/lib/cache/recent-messages';
import { AppError } from '@/lib/errors';
import type { createTokenBucket } from '@/lib/rate-limit';
import { messageSendSchema, messageSyncSchema, SYNC_PAGE_SIZE } from '../events';
import { hideQuotesBefore } from '../messages';
import { emitToReaders } from '../readers';
import type { RealtimeServer, RealtimeSocket } from '../server';
import { withAck } from '../with-ack';

export type SendLimit = ReturnType<typeof createTokenBucket>;

export function registerMessageHandlers(io: RealtimeServer, socket: RealtimeSocket, sendLimit: SendLimit) {
  const { userId } = socket.data;

  socket.on(
    'message:send',
    withAck('message:send', messageSendSchema, async ({ chatId, clientId, body, replyToId }) => {
      // 0. Refuse a flood before it costs any I/O.
      if (!sendLimit.take(userId)) throw new AppError('rate_limited');
      // 1. Authorize: a non-member hears the same as for a chat that does not exist.
      const membership = await getMembership({ chatId, userId });
      if (!membership) throw new AppError('not_found');
      // 2. A reply quotes a message of this chat the sender may read (a deleted one too: its quote says so).
      const replyTo = replyToId ? await getMessageRow({ chatId, messageId: replyToId }) : undefined;
      if (replyTo !== undefined && (!replyTo || replyTo.seq <= membership.visibleAfterSeq)) throw new AppError('not_found');
      // 3. Store once per clientId; the ack below is sent only after this commit.
      const { message, created } = await insertMessage({ chatId, senderId: userId, clientId, body, replyTo: replyTo ?? undefined });
      if (created) {
        // 4. Cache best effort: a failure is logged and readers fall back to Postgres.
        await getRecentMessagesCache()
          .push(message)
          .catch((error) => logCacheFailure('push', chatId, error));
        // 5. Every member's tabs, on every process, including the sender's other tabs (a quote only to those who may read it).
        await emitToReaders(io, 'message:new', message, membership.kind);
      }
      return message;
    }),
  );

  socket.on(
    'message:sync',
    withAck('message:sync', messageSyncSchema, async ({ chatId, afterSeq }) => {
      // Former members keep reading what was sent while they belonged, and nothing after.
      const membership = await getReadableMembership({ chatId, userId });
      if (!membership) throw new AppError('not_found');
      const page = await listMessagesAfter({
        chatId,
        afterSeq: Math.max(afterSeq, membership.visibleAfterSeq),
        // Bounded for current members too: a removal committing after the membership read ends the window here.
        upToSeq: membership.visibleUpToSeq,
        limit: SYNC_PAGE_SIZE + 1,
      });
      return { messages: hideQuotesBefore(page.slice(0, SYNC_PAGE_SIZE), membership.visibleAfterSeq), hasMore: page.length > SYNC_PAGE_SIZE };
    }),
  );
}
