import { getMembership, getReadableMembership } from '@/db/queries/chats';
import { getVisibleRecentMessages } from '@/lib/cache/recent-messages';
import { AppError } from '@/lib/errors';
import { chatJoinSchema, rooms } from '../events';
import type { RealtimeServer, RealtimeSocket } from '../server';
import { withAck } from '../with-ack';

export function registerChatHandlers(_io: RealtimeServer, socket: RealtimeSocket) {
  const { userId } = socket.data;

  // Sockets join all their chats at the handshake; this covers a chat created while the socket was reconnecting.
  socket.on(
    'chat:join',
    withAck('chat:join', chatJoinSchema, async ({ chatId }) => {
      const membership = await getMembership({ chatId, userId });
      if (!membership) throw new AppError('not_found');
      await socket.join(rooms.chat(chatId));
      return { lastSeq: membership.lastSeq };
    }),
  );

  socket.on(
    'chat:open',
    withAck('chat:open', chatJoinSchema, async ({ chatId }) => {
      // Former members read their window, as on the chat page; everyone else hears not_found.
      const membership = await getReadableMembership({ chatId, userId });
      if (!membership) throw new AppError('not_found');
      return { lastSeq: membership.visibleUpToSeq, messages: await getVisibleRecentMessages({ chatId, membership }) };
    }),
  );
}
