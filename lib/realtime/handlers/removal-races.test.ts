/**
 * Issue 5 review: a member removed while their send, edit or reaction is in flight. The handler checks membership
 * before its transaction; the removal may commit while that transaction waits for the chat row lock. Nothing the
 * removed member asked for may be stored after their removal line.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb, getSql } from '@/db';
import { editMessage, toggleReaction } from '@/db/queries/message-changes';
import { insertMessage } from '@/db/queries/message-insert';
import { toUserDTO } from '@/db/queries/users';
import { chatMembers, messageReactions, messages, type User } from '@/db/schema';
import type { UserDTO } from '@/lib/realtime/events';
import { closeTestServices, makeUser, nextEvent, sendMessage, startRealtimeServer, waitFor, type TestRealtimeServer } from '@/lib/testing/harness';
import { data } from './message-test-kit';

// Server actions read the session through Auth.js, which needs a Next request; everything after it is under test.
const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const actions = await import('@/app/(chat)/group-actions');

let server: TestRealtimeServer;

beforeAll(async () => {
  // The race needs many sends at once, more than the per-user flood limit lets through.
  server = await startRealtimeServer({ sendRate: { capacity: 1_000, perSecond: 1_000 } });
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

const as = (user: User) => {
  session.user = toUserDTO(user);
  return actions;
};

async function makeGroup() {
  const [admin, ben, cat] = await Promise.all([makeUser(), makeUser(), makeUser()]);
  const created = await as(admin).createGroup({ title: 'Race', memberIds: [ben.id, cat.id] });
  if (!created.ok) throw new Error(`createGroup: ${created.error}`);
  return { admin, ben, cat, chatId: created.data.chatId };
}

async function leftAtSeq(chatId: string, userId: string): Promise<number | null> {
  const [row] = await getDb()
    .select({ leftAtSeq: chatMembers.leftAtSeq })
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
  return row?.leftAtSeq ?? null;
}

/**
 * Ends `userId`'s membership in a transaction that holds the chat row lock (as every group change does) and, before
 * committing, waits until `racer` is blocked on it (or on a row it keys to): the racer checked membership before.
 */
async function removeWhileWaiting<T>(chatId: string, userId: string, racer: () => Promise<T>): Promise<T | unknown> {
  let pending!: Promise<T | unknown>;
  await getDb().transaction(async (tx) => {
    await tx.execute(sql`select 1 from chats where id = ${chatId} for update`);
    await tx.execute(
      sql`update chat_members set left_at_seq = (select last_seq from chats where id = ${chatId}) where chat_id = ${chatId} and user_id = ${userId}`,
    );
    let settled: unknown;
    pending = racer().then(
      (value) => (settled = value),
      (error: unknown) => (settled = error),
    );
    await waitFor(async () => {
      if (settled !== undefined) throw new Error(`the racer did not wait for the lock: ${String(settled)}`);
      const waiting = await getSql()`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
      return waiting.length > 0 ? true : undefined;
    }, 'the racer waiting for the chat row lock');
  });
  return pending;
}

describe('a removal racing the removed member', () => {
  it('many concurrent sends: none is stored numbered after the removal line', async () => {
    const { admin, ben, chatId } = await makeGroup();
    const socket = await server.connect(ben);
    const sends = Array.from({ length: 40 }, (_, i) => sendMessage(socket, { chatId, body: `m${i}` }));
    const removed = as(admin).removeGroupMember({ chatId, userId: ben.id });
    const acks = await Promise.all(sends);
    expect(await removed).toEqual({ ok: true, data: null });

    const removalLine = (await leftAtSeq(chatId, ben.id))!;
    const stored = await getDb()
      .select({ seq: messages.seq })
      .from(messages)
      .where(and(eq(messages.chatId, chatId), eq(messages.senderId, ben.id), eq(messages.kind, 'text')));
    expect(stored.filter((row) => row.seq > removalLine)).toEqual([]);
    // Every send either stored before the line or was refused as a non-member's would be.
    for (const ack of acks) expect(ack.ok ? ack.data.seq < removalLine : ack.error === 'not_found').toBe(true);
  });

  it('a send that waited for the lock while the removal committed is refused and stores nothing', async () => {
    const { ben, chatId } = await makeGroup();
    const result = await removeWhileWaiting(chatId, ben.id, () => insertMessage({ chatId, senderId: ben.id, clientId: randomUUID(), body: 'too late' }));
    expect(result).toMatchObject({ code: 'not_found' });
    const stored = await getDb().select({ id: messages.id }).from(messages).where(and(eq(messages.chatId, chatId), eq(messages.body, 'too late')));
    expect(stored).toEqual([]);
  });

  it('an edit or a reaction that waited for the lock is refused and rolled back', async () => {
    const { ben, chatId } = await makeGroup();
    const socket = await server.connect(ben);
    const mine = data(await sendMessage(socket, { chatId, body: 'before' }));
    const window = { visibleAfterSeq: 0, visibleUpToSeq: mine.seq };
    const input = { chatId, messageId: mine.id, userId: ben.id, window };

    const edited = await removeWhileWaiting(chatId, ben.id, () => editMessage({ ...input, body: 'after removal' }));
    expect(edited).toMatchObject({ code: 'not_found' });
    // Back in, to race a reaction the same way.
    await getDb().update(chatMembers).set({ leftAtSeq: null }).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, ben.id)));
    const reacted = await removeWhileWaiting(chatId, ben.id, () => toggleReaction({ ...input, emoji: '👍' }));
    expect(reacted).toMatchObject({ code: 'not_found' });

    const [row] = await getDb().select({ body: messages.body, version: messages.version }).from(messages).where(eq(messages.id, mine.id));
    expect(row).toEqual({ body: 'before', version: 0 });
    expect(await getDb().select().from(messageReactions).where(eq(messageReactions.messageId, mine.id))).toEqual([]);
  });

  it('a removal that fails in Postgres (its statement cancelled) puts the still-current member back in the room', async () => {
    const { admin, ben, chatId } = await makeGroup();
    const [adminSocket, benSocket] = await Promise.all([server.connect(admin), server.connect(ben)]);
    let removal!: Promise<unknown>;
    await getDb().transaction(async (tx) => {
      await tx.execute(sql`select 1 from chats where id = ${chatId} for update`);
      removal = as(admin)
        .removeGroupMember({ chatId, userId: ben.id })
        .catch((error: unknown) => error);
      const [waiting] = await waitFor(async () => {
        const rows = await getSql()`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
        return rows.length > 0 ? rows : undefined;
      }, 'the removal waiting for the chat row lock');
      await getSql()`select pg_cancel_backend(${waiting!.pid as number})`;
    });
    expect(await removal).toBeInstanceOf(Error);
    expect(await leftAtSeq(chatId, ben.id)).toBeNull();

    const live = nextEvent(benSocket, 'message:new', (message) => message.body === 'still with us?');
    data(await sendMessage(adminSocket, { chatId, body: 'still with us?' }));
    await live;
  });
});
