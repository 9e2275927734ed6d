'use server';

import { z } from 'zod';
import { getOrCreateDirectChat } from '@/db/queries/chats';
import { getUserById, searchUsers as searchUsersQuery } from '@/db/queries/users';
import { getCurrentUser } from '@/lib/auth';
import { fail, ok, type Result } from '@/lib/errors';
import { notifyChatCreated } from '@/lib/realtime/notify';
import type { UserDTO } from '@/lib/realtime/events';

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
