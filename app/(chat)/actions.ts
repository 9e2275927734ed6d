'use server';

import { z } from 'zod';
import { getChatSummaryForUser, getOrCreateDirectChat } from '@/db/queries/chats';
import { markChatUnread } from '@/db/queries/presence';
import { getUserById, searchUsers as searchUsersQuery } from '@/db/queries/users';
import { getCurrentUser } from '@/lib/auth';
import { fail, ok, type Result } from '@/lib/errors';
import { notifyChatCreated } from '@/lib/realtime/notify';
import { rooms, type UserDTO } from '@/lib/realtime/events';
import { getRealtimeServer } from '@/lib/realtime/registry';

const SEARCH_LIMIT = 20;
const searchQuerySchema = z.string().trim().min(1).max(50);

export async function searchUsers(query: unknown): Promise<Result<UserDTO[]>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = searchQuerySchema.safeParse(query);
  if (!parsed.success) return fail('invalid_input');
  return ok(await searchUsersQuery({ query: parsed.data, excludeUserId: user.id, limit: SEARCH_LIMIT }));
}

/** Opens the 1:1 chat with `peerId`, creating it once even when both people click at the same moment. */
export async function startChat(peerId: unknown): Promise<Result<{ chatId: string }>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = z.uuid().safeParse(peerId);
  if (!parsed.success || parsed.data === user.id) return fail('invalid_input');
  if (!(await getUserById(parsed.data))) return fail('not_found');

  const { chatId, created } = await getOrCreateDirectChat({ userId: user.id, peerId: parsed.data });
  if (created) await notifyChatCreated(chatId, [user.id, parsed.data]);
  return ok({ chatId });
}

/** "Mark as unread": the chat shows as unread (in every tab and device) until it is read again. */
export async function markUnread(chatId: unknown): Promise<Result<null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = z.uuid().safeParse(chatId);
  if (!parsed.success) return fail('invalid_input');
  if (!(await markChatUnread({ chatId: parsed.data, userId: user.id }))) return fail('not_found');
  const summary = await getChatSummaryForUser({ chatId: parsed.data, userId: user.id });
  if (summary) getRealtimeServer()?.to(rooms.user(user.id)).emit('chat:read', { chatId: summary.id, readSeq: summary.myReadSeq, markedUnread: true });
  return ok(null);
}
