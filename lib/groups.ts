/**
 * Group changes end to end, without Next: the transaction (db/queries/groups.ts), then the sockets. The server
 * actions in app/(chat)/group-actions.ts only authenticate and validate before calling these.
 * Each returns a Result; a refusal from the database layer (AppError) becomes its code.
 */
import { getMembership, listChatMemberIds } from '@/db/queries/chats';
import * as groups from '@/db/queries/groups';
import { getRecentMessagesCache, logCacheFailure } from '@/lib/cache/recent-messages';
import { AppError, fail, ok, type Result } from '@/lib/errors';
import { logger } from '@/lib/logger';
import type { MemberDTO, MessageDTO } from '@/lib/realtime/events';
import { emitSystemLine, emitTypingStopped, joinChatRoom, leaveChatRoom, notifyChatCreated, notifyChatUpdated } from '@/lib/realtime/notify';

async function refused<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof AppError) return fail(error.code);
    throw error;
  }
}

/** Keeps the recent-messages cache a complete tail: system lines are numbered messages too. Best effort. */
async function cacheLines(lines: MessageDTO[]): Promise<void> {
  for (const line of lines) {
    await getRecentMessagesCache()
      .push(line)
      .catch((error) => logCacheFailure('push', line.chatId, error));
  }
}

/** After a change that kept everyone in: the line to the room, the new summary to each current member. */
async function announce(change: groups.GroupChange, skip: string[] = []): Promise<void> {
  if (!change.line) return;
  await cacheLines([change.line]);
  emitSystemLine(change.line);
  const memberIds = await listChatMemberIds(change.chatId);
  await notifyChatUpdated(
    change.chatId,
    memberIds.filter((id) => !skip.includes(id)),
  );
}

export async function createGroupChat(input: { creatorId: string; title: string; memberIds: string[] }): Promise<Result<{ chatId: string }>> {
  const created = await refused(() => groups.createGroup(input));
  if (!created.ok) return created;
  const { chatId, lines, memberIds } = created.data;
  await cacheLines(lines);
  await notifyChatCreated(chatId, memberIds);
  return ok({ chatId });
}

/**
 * Added members' sockets join the room (notifyChatCreated) before the line goes to it, so they get the line and
 * every later message live; they hear of the chat itself through chat:created, the others through chat:updated.
 */
export async function addToGroup(input: { chatId: string; actorId: string; userIds: string[] }): Promise<Result<null>> {
  const changed = await refused(() => groups.addGroupMembers(input));
  if (!changed.ok) return changed;
  const change = changed.data;
  if (!change.line) return ok(null);
  await notifyChatCreated(change.chatId, change.addedIds);
  await announce(change, change.addedIds);
  return ok(null);
}

/**
 * Ends `userId`'s live membership: their sockets leave the room before the transaction, so nothing sent after the
 * removal commits can reach them; right after the commit they leave once more, in case a socket connected (and
 * joined) in between; they hear their own last line and the chat turning inactive through their user room.
 * `precheck` runs first so a refused request never touches anyone's sockets; the transaction checks again under
 * the lock, and a refusal there, or a failure (Postgres down), puts a still-current member's sockets back.
 */
async function endMembership(
  chatId: string,
  userId: string,
  precheck: () => Promise<Result<null>>,
  change: () => Promise<groups.GroupChange>,
): Promise<Result<null>> {
  const allowed = await precheck();
  if (!allowed.ok) return allowed;
  await leaveChatRoom(chatId, [userId]);
  const rejoinIfStillMember = async () => {
    if (await getMembership({ chatId, userId })) await joinChatRoom(chatId, [userId]);
  };
  let changed: Result<groups.GroupChange>;
  try {
    changed = await refused(change);
  } catch (error) {
    // Not a refusal: most likely the removal did not commit. If Postgres cannot say, the client's next sync repairs.
    await rejoinIfStillMember().catch((rejoinError: unknown) => logger.warn('group_rejoin_failed', { chatId, message: String(rejoinError) }));
    throw error;
  }
  if (!changed.ok) {
    await rejoinIfStillMember();
    return changed;
  }
  await leaveChatRoom(chatId, [userId]);
  const { line } = changed.data;
  if (line) {
    await cacheLines([line]);
    emitSystemLine(line, [userId]);
  }
  await notifyChatUpdated(chatId, [...(await listChatMemberIds(chatId)), userId]);
  // Their sockets can no longer say they stopped typing in the room.
  emitTypingStopped(chatId, userId);
  return ok(null);
}

/** The same refusals the transaction would give, read without the lock (for the pre-check only). */
async function checkActor(chatId: string, actorId: string, needsAdmin: boolean): Promise<Result<null>> {
  const membership = await getMembership({ chatId, userId: actorId });
  if (!membership || membership.kind !== 'group') return fail('not_found');
  if (needsAdmin && membership.role !== 'admin') return fail('forbidden');
  return ok(null);
}

export async function removeFromGroup(input: { chatId: string; actorId: string; userId: string }): Promise<Result<null>> {
  return endMembership(
    input.chatId,
    input.userId,
    async () => {
      const actor = await checkActor(input.chatId, input.actorId, true);
      if (!actor.ok) return actor;
      if (input.userId === input.actorId) return fail('invalid_input');
      return (await getMembership({ chatId: input.chatId, userId: input.userId })) ? ok(null) : fail('not_found');
    },
    () => groups.removeGroupMember(input),
  );
}

export async function leaveGroupChat(input: { chatId: string; userId: string }): Promise<Result<null>> {
  return endMembership(
    input.chatId,
    input.userId,
    () => checkActor(input.chatId, input.userId, false),
    () => groups.leaveGroup(input),
  );
}

export async function renameGroupChat(input: { chatId: string; actorId: string; title: string }): Promise<Result<null>> {
  const changed = await refused(() => groups.renameGroup(input));
  if (!changed.ok) return changed;
  await announce(changed.data);
  return ok(null);
}

export async function promoteToAdmin(input: { chatId: string; actorId: string; userId: string }): Promise<Result<null>> {
  const changed = await refused(() => groups.grantGroupAdmin(input));
  if (!changed.ok) return changed;
  await announce(changed.data);
  return ok(null);
}

export async function getGroupMembers(input: { chatId: string; viewerId: string }): Promise<Result<MemberDTO[]>> {
  return refused(() => groups.listChatMembers(input));
}
