'use server';

import { z } from 'zod';
import { getChatSummaryForUser, getOrCreateDirectChat, mutedUntilFor, setChatArchived as setChatArchivedQuery, setChatMutedUntil } from '@/db/queries/chats';
import { markChatUnread } from '@/db/queries/presence';
import { getUserById, searchUsers as searchUsersQuery } from '@/db/queries/users';
import { getCurrentUser } from '@/lib/auth';
import { fail, ok, type Result } from '@/lib/errors';
import { notifyChatCreated, notifyChatUpdated } from '@/lib/realtime/notify';
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

const muteSchema = z.object({ chatId: z.uuid(), duration: z.enum(['8h', '1w', 'always', 'off']) });
const archiveSchema = z.object({ chatId: z.uuid(), archived: z.boolean() });

/** Mutes notifications of one chat for me (8 hours, a week, always) or unmutes it; mentions still notify. */
export async function setChatMute(input: unknown): Promise<Result<null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = muteSchema.safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  const { chatId, duration } = parsed.data;
  // Current and former members alike: it is their own list.
  if (!(await setChatMutedUntil({ chatId, userId: user.id, mutedUntil: mutedUntilFor(duration) }))) return fail('not_found');
  await notifyChatUpdated(chatId, [user.id]);
  return ok(null);
}

/** Moves a chat out of my main list until a newer message arrives, or back. */
export async function setChatArchived(input: unknown): Promise<Result<null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = archiveSchema.safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  const { chatId, archived } = parsed.data;
  if (!(await setChatArchivedQuery({ chatId, userId: user.id, archived }))) return fail('not_found');
  await notifyChatUpdated(chatId, [user.id]);
  return ok(null);
}
