import { getChatSummaryForUser } from '@/db/queries/chats';
import { logger } from '@/lib/logger';
import { rooms, type MessageDTO } from './events';
import { getRealtimeServer } from './registry';

/**
 * Joins the members' sockets (every tab, every instance) to a new chat's room, then tells their open tabs about
 * it: its next message, from any instance, arrives live without a reload.
 */
export async function notifyChatCreated(chatId: string, memberIds: string[]): Promise<void> {
  const io = getRealtimeServer();
  if (!io) return logger.warn('realtime_unavailable', { chatId });
  await joinChatRoom(chatId, memberIds);
  for (const memberId of memberIds) {
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

/**
 * Moves the sockets of `userIds` (every tab, every instance) into or out of a chat's room. Awaited: with the Redis
 * adapter the call returns once Redis has passed the order on, so a broadcast published afterwards, from any
 * instance, reaches the other instances after it. Without Redis it is immediate.
 */
export async function joinChatRoom(chatId: string, userIds: string[]): Promise<void> {
  const io = getRealtimeServer();
  if (!io || userIds.length === 0) return;
  await io.of('/').adapter.addSockets({ rooms: new Set(userIds.map(rooms.user)), except: new Set(), flags: {} }, [rooms.chat(chatId)]);
}

export async function leaveChatRoom(chatId: string, userIds: string[]): Promise<void> {
  const io = getRealtimeServer();
  if (!io || userIds.length === 0) return;
  await io.of('/').adapter.delSockets({ rooms: new Set(userIds.map(rooms.user)), except: new Set(), flags: {} }, [rooms.chat(chatId)]);
}

/** Each user's open tabs get the chat as that user now sees it (members, title, role, mute, archive, active). */
export async function notifyChatUpdated(chatId: string, userIds: string[]): Promise<void> {
  const io = getRealtimeServer();
  if (!io) return logger.warn('realtime_unavailable', { chatId });
  await Promise.all(
    userIds.map(async (userId) => {
      const summary = await getChatSummaryForUser({ chatId, userId });
      if (summary) io.to(rooms.user(userId)).emit('chat:updated', summary);
    }),
  );
}

/** A system line to everyone in the chat's room, and to `alsoTo` through their user rooms (a removed member). */
export function emitSystemLine(line: MessageDTO, alsoTo: string[] = []): void {
  const io = getRealtimeServer();
  if (!io) return logger.warn('realtime_unavailable', { chatId: line.chatId });
  io.to([rooms.chat(line.chatId), ...alsoTo.map(rooms.user)]).emit('message:new', line);
}

/** Clears "<name> is typing…" for a member who left the chat's room (they can no longer clear it themselves). */
export function emitTypingStopped(chatId: string, userId: string): void {
  getRealtimeServer()?.to(rooms.chat(chatId)).emit('typing:update', { chatId, userId, typing: false });
}
