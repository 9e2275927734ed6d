'use server';

import { z } from 'zod';
import { getCurrentUser } from '@/lib/auth';
import { fail, type Result } from '@/lib/errors';
import { addToGroup, createGroupChat, getGroupMembers, leaveGroupChat, promoteToAdmin, removeFromGroup, renameGroupChat } from '@/lib/groups';
import { GROUP_MAX_MEMBERS, type MemberDTO } from '@/lib/realtime/events';

// Title rules (trimmed, 1..GROUP_TITLE_MAX_LENGTH characters) live in db/queries/groups.ts, shared by create and rename.
const titleSchema = z.string().max(1000);
const userIdsSchema = z.array(z.uuid()).min(1).max(GROUP_MAX_MEMBERS);
const createSchema = z.object({ title: titleSchema, memberIds: userIdsSchema });
const addSchema = z.object({ chatId: z.uuid(), userIds: userIdsSchema });
const memberSchema = z.object({ chatId: z.uuid(), userId: z.uuid() });
const renameSchema = z.object({ chatId: z.uuid(), title: titleSchema });
const chatIdSchema = z.uuid();

/** Authenticates and validates, then hands over to lib/groups.ts, which does the work and tells the sockets. */
async function run<S extends z.ZodType, T>(schema: S, input: unknown, work: (userId: string, data: z.infer<S>) => Promise<Result<T>>): Promise<Result<T>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = schema.safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  return work(user.id, parsed.data);
}

/** A group of me (admin) and ≥ 2 others. */
export async function createGroup(input: unknown): Promise<Result<{ chatId: string }>> {
  return run(createSchema, input, (userId, { title, memberIds }) => createGroupChat({ creatorId: userId, title, memberIds }));
}

export async function addGroupMembers(input: unknown): Promise<Result<null>> {
  return run(addSchema, input, (userId, { chatId, userIds }) => addToGroup({ chatId, actorId: userId, userIds }));
}

export async function removeGroupMember(input: unknown): Promise<Result<null>> {
  return run(memberSchema, input, (userId, data) => removeFromGroup({ ...data, actorId: userId }));
}

export async function leaveGroup(chatId: unknown): Promise<Result<null>> {
  return run(chatIdSchema, chatId, (userId, id) => leaveGroupChat({ chatId: id, userId }));
}

export async function renameGroup(input: unknown): Promise<Result<null>> {
  return run(renameSchema, input, (userId, data) => renameGroupChat({ ...data, actorId: userId }));
}

export async function makeGroupAdmin(input: unknown): Promise<Result<null>> {
  return run(memberSchema, input, (userId, data) => promoteToAdmin({ ...data, actorId: userId }));
}

/** Current and former members, for the header and the group info panel; not_found for a stranger. */
export async function getChatMembers(chatId: unknown): Promise<Result<MemberDTO[]>> {
  return run(chatIdSchema, chatId, (userId, id) => getGroupMembers({ chatId: id, viewerId: userId }));
}
