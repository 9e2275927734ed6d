import { getMembership } from '@/db/queries/chats';
import { deleteMessage, editMessage, toggleReaction, type ChangeInput, type ChangeResult } from '@/db/queries/message-changes';
import { removeAttachmentsOf } from '@/lib/attachments/remove';
import { refreshRecentMessages } from '@/lib/cache/recent-messages';
import { AppError } from '@/lib/errors';
import { replaceShortcodes } from '@/lib/format/shortcodes';
import { messageDeleteSchema, messageEditSchema, reactionToggleSchema, type MessageDTO } from '../events';
import { hideQuotesBefore } from '../messages';
import { emitToReaders } from '../readers';
import type { RealtimeServer, RealtimeSocket } from '../server';
import { withAck } from '../with-ack';
import type { SendLimit } from './message';

/** Edits, deletions and reactions: each acks the message as it is now and tells every member's tabs. */
export function registerMessageChangeHandlers(io: RealtimeServer, socket: RealtimeSocket, sendLimit: SendLimit) {
  const { userId } = socket.data;

  /** Steps shared by the three: limit, authorize, change (which checks the message itself), notify. */
  async function change(chatId: string, messageId: string, work: (input: ChangeInput) => Promise<ChangeResult>): Promise<MessageDTO> {
    // 0. Each change costs a transaction, a cache rebuild and a broadcast: the send limit applies.
    if (!sendLimit.take(userId)) throw new AppError('rate_limited');
    // 1. Only current members change anything; a non-member hears what a random id would get.
    const membership = await getMembership({ chatId, userId });
    if (!membership) throw new AppError('not_found');
    // 2. One transaction: the message, its version and the chat's revision; refusals write nothing.
    const { message, revision } = await work({ chatId, messageId, userId, window: membership });
    if (revision !== null) {
      // 3. The cached list was made at an older revision: rebuild it now (best effort, repaired on failure).
      await refreshRecentMessages(chatId);
      // 4. Every member's tabs that may read it, on every process; clients keep the higher version.
      await emitToReaders(io, 'message:updated', message, membership.kind);
    }
    return hideQuotesBefore([message], membership.visibleAfterSeq)[0]!;
  }

  socket.on(
    'message:edit',
    withAck('message:edit', messageEditSchema, ({ chatId, messageId, body }) =>
      change(chatId, messageId, (input) => editMessage({ ...input, body: replaceShortcodes(body) })),
    ),
  );

  socket.on(
    'message:delete',
    withAck('message:delete', messageDeleteSchema, async ({ chatId, messageId }) => {
      const deleted = await change(chatId, messageId, deleteMessage);
      // Its files leave storage once no reader can be sent them (every copy now says deleted); a retry finds none.
      await removeAttachmentsOf(deleted);
      return deleted;
    }),
  );

  socket.on(
    'reaction:toggle',
    withAck('reaction:toggle', reactionToggleSchema, ({ chatId, messageId, emoji }) =>
      change(chatId, messageId, (input) => toggleReaction({ ...input, emoji })),
    ),
  );
}
