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
