import { rooms, typingSchema } from '../events';
import type { RealtimeServer, RealtimeSocket } from '../server';

/**
 * "<name> is typing…": relayed to the chat's other sockets, never stored. Authorized by the rooms the socket
 * joined at the handshake (where membership was checked), so a keystroke costs no I/O.
 */
export function registerTypingHandlers(_io: RealtimeServer, socket: RealtimeSocket) {
  const { userId } = socket.data;
  const relay = (payload: unknown, typing: boolean) => {
    const parsed = typingSchema.safeParse(payload);
    if (!parsed.success || !socket.rooms.has(rooms.chat(parsed.data.chatId))) return;
    const { chatId } = parsed.data;
    socket.data.typingIn ??= new Set();
    if (typing) socket.data.typingIn.add(chatId);
    else socket.data.typingIn.delete(chatId);
    socket.to(rooms.chat(chatId)).emit('typing:update', { chatId, userId, typing });
  };
  socket.on('typing:start', (payload) => relay(payload, true));
  socket.on('typing:stop', (payload) => relay(payload, false));
  // A closed tab stops typing at once, not after the receivers' timeout.
  socket.on('disconnecting', () => {
    for (const chatId of socket.data.typingIn ?? []) socket.to(rooms.chat(chatId)).emit('typing:update', { chatId, userId, typing: false });
  });
}
