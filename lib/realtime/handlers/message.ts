import { claimAttachments } from '@/db/queries/attachments';
import { getMembership, getReadableMembership } from '@/db/queries/chats';
import { getMessageByClientId, getMessageRow, listMessagesAfter, type MessageRow } from '@/db/queries/messages';
import { insertMessage } from '@/db/queries/message-insert';
import { getRecentMessagesCache, logCacheFailure } from '@/lib/cache/recent-messages';
import { AppError } from '@/lib/errors';
import { replaceShortcodes } from '@/lib/format/shortcodes';
import type { PushQueue } from '@/lib/push/queue';
import type { createTokenBucket } from '@/lib/rate-limit';
import { messageSendSchema, messageSyncSchema, SYNC_PAGE_SIZE } from '../events';
import { hideQuotesBefore } from '../messages';
import { emitToReaders } from '../readers';
import type { RealtimeServer, RealtimeSocket } from '../server';
import { withAck } from '../with-ack';

export type SendLimit = ReturnType<typeof createTokenBucket>;

/** The message a reply quotes: in this chat, and inside the sender's window; not_found otherwise. */
async function readableOriginal(input: { chatId: string; userId: string; replyToId: string }): Promise<MessageRow> {
  const membership = await getMembership({ chatId: input.chatId, userId: input.userId });
  if (!membership) throw new AppError('not_found');
  const original = await getMessageRow({ chatId: input.chatId, messageId: input.replyToId });
  if (!original || original.seq <= membership.visibleAfterSeq) throw new AppError('not_found');
  return original;
}

export function registerMessageHandlers(io: RealtimeServer, socket: RealtimeSocket, sendLimit: SendLimit, push: PushQueue | null = null) {
  const { userId } = socket.data;

  socket.on(
    'message:send',
    withAck('message:send', messageSendSchema, async ({ chatId, clientId, body, replyToId, attachmentIds = [] }) => {
      // 0. Refuse a flood before it costs any I/O.
      if (!sendLimit.take(userId)) throw new AppError('rate_limited');
      // 1. A reply quotes a message of this chat the sender may read (a deleted one too: its quote says so). Replies
      //    are rare: they pay a membership read here; a plain send is authorized inside the write below.
      const replyTo = replyToId ? await readableOriginal({ chatId, userId, replyToId }) : undefined;
      // 1b. Files the sender uploaded to this chat become this message's (idempotent for a retried send).
      const attachments = await claimAttachments({ chatId, uploaderId: userId, clientId, ids: attachmentIds }).catch(async (error: unknown) => {
        // A retry of a send stored meanwhile (and perhaps deleted, its files gone): answered with the stored message below.
        if (error instanceof AppError && error.code === 'not_found' && (await getMessageByClientId({ chatId, senderId: userId, clientId }))) return [];
        throw error;
      });
      // 2. Store once per clientId, in the next group commit, only if the sender is a current member once the chat is
      //    locked (a non-member's send writes nothing and hears not_found). The ack below is sent after that commit.
      const stored = await insertMessage({ chatId, senderId: userId, clientId, body: replaceShortcodes(body), attachments, replyTo });
      const { message } = stored;
      if (stored.created) {
        await Promise.all([
          // 3. Cache best effort: a failure is logged and readers fall back to Postgres. Not awaited before the
          //    broadcast: a reader whose cache read misses this message sees an incomplete tail and reads Postgres.
          getRecentMessagesCache()
            .push(message)
            .catch((error) => logCacheFailure('push', chatId, error)),
          // 4. Every member's tabs, on every process, including the sender's other tabs (a quote only to those who may read it).
          emitToReaders(io, 'message:new', message, stored.chatKind),
        ]);
        // 5. Devices of members with no visible tab: queued, looked up and pushed later, beside delivery (lib/push/queue.ts).
        push?.enqueue(message);
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
