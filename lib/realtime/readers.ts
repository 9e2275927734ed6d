import { listMembersJoinedAfter } from '@/db/queries/chats';
import { rooms, type ChatKind, type MessageDTO } from './events';
import type { RealtimeServer } from './server';

/**
 * Broadcasts a new or changed message to the chat's room, but only as far as each member may read it: a member added
 * after it (a group's late joiner) does not get it, and one added after the message it quotes gets it without the
 * quote. Only groups have late joiners, and a new message only matters when it quotes: a 1:1 chat and a plain
 * new message cost no query.
 */
export async function emitToReaders(io: RealtimeServer, event: 'message:new' | 'message:updated', message: MessageDTO, kind: ChatKind): Promise<void> {
  const room = rooms.chat(message.chatId);
  const earliest = Math.min(message.seq, message.replyTo?.seq ?? message.seq);
  if (kind !== 'group' || (event === 'message:new' && !message.replyTo)) {
    io.to(room).emit(event, message);
    return;
  }
  const late = await listMembersJoinedAfter({ chatId: message.chatId, seq: earliest });
  io.to(room)
    .except(late.map((member) => rooms.user(member.userId)))
    .emit(event, message);
  // Added after the quoted message, not after this one: theirs comes without the quote.
  const quoteless = late.filter((member) => member.visibleAfterSeq < message.seq).map((member) => rooms.user(member.userId));
  if (quoteless.length > 0) io.to(quoteless).emit(event, { ...message, replyTo: null });
}
