import { getMembership } from '@/db/queries/chats';
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
}
