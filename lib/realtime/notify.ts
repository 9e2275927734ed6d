import { getChatSummaryForUser } from '@/db/queries/chats';
import { logger } from '@/lib/logger';
import { rooms } from './events';
import { getRealtimeServer } from './registry';

/**
 * Tells both members' open tabs (on any process) about a new chat and joins their sockets to its room,
 * so its first message arrives live without a reload.
 */
export async function notifyChatCreated(chatId: string, memberIds: string[]): Promise<void> {
  const io = getRealtimeServer();
  if (!io) return logger.warn('realtime_unavailable', { chatId });
  for (const memberId of memberIds) {
    io.in(rooms.user(memberId)).socketsJoin(rooms.chat(chatId));
    const summary = await getChatSummaryForUser({ chatId, userId: memberId });
    if (summary) io.to(rooms.user(memberId)).emit('chat:created', summary);
  }
}

/** Closes the live sockets of one signed-out session, on every instance. */
export function disconnectSession(sessionId: string): void {
  getRealtimeServer()?.in(rooms.session(sessionId)).disconnectSockets(true);
}

/** Closes the live sockets of every other session of a user (after a password change), on every instance. */
export function disconnectOtherSessions(userId: string, keepSessionId: string): void {
  getRealtimeServer()?.in(rooms.user(userId)).except(rooms.session(keepSessionId)).disconnectSockets(true);
}
