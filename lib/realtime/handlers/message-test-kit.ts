/**
 * Test-only helpers for the message handler suites: groups written straight to Postgres (independent of the
 * group actions under construction), memberships ended or started late by setting their window columns, and
 * typed emitters for the message events the harness has no helper for.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { chatMembers, chats, messages } from '@/db/schema';
import type { User } from '@/db/schema';
import type { Result } from '@/lib/errors';
import type { MessageDTO, MessageDeletePayload, MessageEditPayload, ReactionTogglePayload, SystemEvent } from '@/lib/realtime/events';
import { makeUser, WAIT_MS, type TestSocket } from '@/lib/testing/harness';

/** A group of `size` fresh users (the first is admin), created before anyone connects so handshakes join its room. */
export async function makeGroup(size: number): Promise<{ users: User[]; chatId: string }> {
  const users = await Promise.all(Array.from({ length: size }, () => makeUser()));
  const [chat] = await getDb().insert(chats).values({ kind: 'group', title: 'test group' }).returning({ id: chats.id });
  await getDb()
    .insert(chatMembers)
    .values(users.map((user, index) => ({ chatId: chat!.id, userId: user.id, role: index === 0 ? ('admin' as const) : ('member' as const) })));
  return { users, chatId: chat!.id };
}

/** Ends a membership at `leftAtSeq`, as a removal or leaving does (they read up to it, nothing after). */
export async function endMembership(chatId: string, userId: string, leftAtSeq: number): Promise<void> {
  await getDb().update(chatMembers).set({ leftAtSeq }).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
}

/** Starts a membership's window after `visibleAfterSeq`, as for someone added later. */
export async function startWindowAfter(chatId: string, userId: string, visibleAfterSeq: number): Promise<void> {
  await getDb().update(chatMembers).set({ visibleAfterSeq }).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
}

/** A system line numbered like any message, as the group actions write them. */
export async function insertSystemLine(chatId: string, actorId: string, event: SystemEvent): Promise<string> {
  return getDb().transaction(async (tx) => {
    const [chat] = await tx
      .update(chats)
      .set({ lastSeq: sql`${chats.lastSeq} + 1` })
      .where(eq(chats.id, chatId))
      .returning({ seq: chats.lastSeq });
    const [row] = await tx
      .insert(messages)
      .values({ chatId, seq: chat!.seq, senderId: actorId, clientId: randomUUID(), kind: 'system', body: '', event })
      .returning({ id: messages.id });
    return row!.id;
  });
}

/** The stored state a refused change must leave as it was. */
export async function storedState(chatId: string, messageId: string) {
  const [row] = await getDb()
    .select({ body: messages.body, version: messages.version, deletedAt: messages.deletedAt, revision: chats.revision })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(and(eq(messages.chatId, chatId), eq(messages.id, messageId)));
  return row;
}

export const ask = {
  send: (socket: TestSocket, input: { chatId: string; body: string; replyToId?: string }): Promise<Result<MessageDTO>> =>
    socket.timeout(WAIT_MS).emitWithAck('message:send', { clientId: randomUUID(), ...input }),
  edit: (socket: TestSocket, payload: MessageEditPayload): Promise<Result<MessageDTO>> => socket.timeout(WAIT_MS).emitWithAck('message:edit', payload),
  remove: (socket: TestSocket, payload: MessageDeletePayload): Promise<Result<MessageDTO>> =>
    socket.timeout(WAIT_MS).emitWithAck('message:delete', payload),
  react: (socket: TestSocket, payload: ReactionTogglePayload): Promise<Result<MessageDTO>> =>
    socket.timeout(WAIT_MS).emitWithAck('reaction:toggle', payload),
};

/** The data of an ok result; a failure fails the test with its code. */
export function data<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error}`);
  return result.data;
}
