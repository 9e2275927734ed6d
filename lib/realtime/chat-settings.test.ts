/**
 * Issue 5, mute and archive: each person's own setting for a chat, told to their other tabs, invisible to the
 * others; archive lasts until a newer message. Also: the chat actions that came before still work.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getChatSummaryForUser, MUTED_FOREVER } from '@/db/queries/chats';
import { addGroupMembers, createGroup, removeGroupMember, renameGroup } from '@/db/queries/groups';
import { insertMessage } from '@/db/queries/message-insert';
import { toUserDTO } from '@/db/queries/users';
import type { User } from '@/db/schema';
import type { UserDTO } from '@/lib/realtime/events';
import {
  closeTestServices,
  emitRaw,
  makeChat,
  makeUser,
  nextEvent,
  recordEvents,
  startRealtimeServer,
  type TestRealtimeServer,
} from '@/lib/testing/harness';

const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const actions = await import('@/app/(chat)/actions');

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

const as = (user: User) => {
  session.user = toUserDTO(user);
  return actions;
};

const HOUR = 60 * 60_000;

describe('setChatMute', () => {
  it('mutes for 8 hours, a week or always, and unmutes; the summary says until when', async () => {
    const { a, chatId } = await makeChat();
    const mutedUntil = async () => (await getChatSummaryForUser({ chatId, userId: a.id }))!.mutedUntil;

    for (const [duration, hours] of [['8h', 8], ['1w', 7 * 24]] as const) {
      const before = Date.now();
      expect(await as(a).setChatMute({ chatId, duration })).toEqual({ ok: true, data: null });
      const until = Date.parse((await mutedUntil())!);
      expect(until).toBeGreaterThanOrEqual(before + hours * HOUR);
      expect(until).toBeLessThanOrEqual(Date.now() + hours * HOUR);
    }
    await as(a).setChatMute({ chatId, duration: 'always' });
    expect(await mutedUntil()).toBe(MUTED_FOREVER.toISOString());
    await as(a).setChatMute({ chatId, duration: 'off' });
    expect(await mutedUntil()).toBeNull();
  });

  it('tells my other tabs, not the other person', async () => {
    const { a, b, chatId } = await makeChat();
    const [mine, theirs] = await Promise.all([server.connect(a), server.connect(b)]);
    const theirUpdates = recordEvents(theirs, 'chat:updated');
    const told = nextEvent(mine, 'chat:updated', (c) => c.id === chatId);

    await as(a).setChatMute({ chatId, duration: 'always' });
    expect(await told).toMatchObject({ mutedUntil: MUTED_FOREVER.toISOString(), archived: false });
    await emitRaw(theirs, 'chat:join', { chatId: randomUUID() });
    expect(theirUpdates).toEqual([]);
    expect((await getChatSummaryForUser({ chatId, userId: b.id }))!.mutedUntil).toBeNull();
  });

  it('refuses the signed-out, bad durations and chats I never belonged to', async () => {
    const { chatId } = await makeChat();
    const stranger = await makeUser();
    session.user = null;
    expect(await actions.setChatMute({ chatId, duration: '8h' })).toEqual({ ok: false, error: 'unauthorized' });
    expect(await as(stranger).setChatMute({ chatId, duration: '2h' })).toEqual({ ok: false, error: 'invalid_input' });
    expect(await as(stranger).setChatMute({ chatId, duration: '8h' })).toEqual({ ok: false, error: 'not_found' });
    expect(await as(stranger).setChatMute({ chatId: randomUUID(), duration: '8h' })).toEqual({ ok: false, error: 'not_found' });
  });
});

describe('setChatArchived', () => {
  it('archives until a newer message arrives, for me only, and tells my other tabs', async () => {
    const { a, b, chatId } = await makeChat();
    await insertMessage({ chatId, senderId: b.id, clientId: randomUUID(), body: 'old news' });
    const mine = await server.connect(a);
    const told = nextEvent(mine, 'chat:updated', (c) => c.id === chatId && c.archived);

    expect(await as(a).setChatArchived({ chatId, archived: true })).toEqual({ ok: true, data: null });
    await told;
    expect((await getChatSummaryForUser({ chatId, userId: a.id }))!.archived).toBe(true);
    expect((await getChatSummaryForUser({ chatId, userId: b.id }))!.archived).toBe(false);

    await insertMessage({ chatId, senderId: b.id, clientId: randomUUID(), body: 'fresh' });
    expect((await getChatSummaryForUser({ chatId, userId: a.id }))!.archived).toBe(false);

    await as(a).setChatArchived({ chatId, archived: true });
    await as(a).setChatArchived({ chatId, archived: false });
    expect((await getChatSummaryForUser({ chatId, userId: a.id }))!.archived).toBe(false);
  });

  it('lets a former group member archive; what is sent after they left neither unarchives nor lifts the chat', async () => {
    const [admin, ben, cat] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const { chatId } = await createGroup({ creatorId: admin.id, title: 'Trip', memberIds: [ben.id, cat.id] });
    await removeGroupMember({ chatId, actorId: admin.id, userId: cat.id });
    const atRemoval = (await getChatSummaryForUser({ chatId, userId: cat.id }))!;

    expect(await as(cat).setChatArchived({ chatId, archived: true })).toEqual({ ok: true, data: null });
    expect(await as(cat).setChatMute({ chatId, duration: '8h' })).toEqual({ ok: true, data: null });
    await insertMessage({ chatId, senderId: admin.id, clientId: randomUUID(), body: 'after cat' });

    await renameGroup({ chatId, actorId: admin.id, title: 'Trip without Cat' });
    await addGroupMembers({ chatId, actorId: admin.id, userIds: [(await makeUser()).id] });

    const later = (await getChatSummaryForUser({ chatId, userId: cat.id }))!;
    expect(later).toMatchObject({ active: false, archived: true, lastActivityAt: atRemoval.lastActivityAt, unreadCount: 0 });
    // The group as it stood when Cat left: name and members then, not what changed after.
    expect(later).toMatchObject({ title: 'Trip', memberCount: 2 });
    expect(await getChatSummaryForUser({ chatId, userId: ben.id })).toMatchObject({ title: 'Trip without Cat', memberCount: 3 });
    expect(later.lastMessage?.event?.type).toBe('member_removed');
  });

  it('refuses chats I never belonged to exactly as chats that do not exist', async () => {
    const { chatId } = await makeChat();
    const stranger = await makeUser();
    const real = await as(stranger).setChatArchived({ chatId, archived: true });
    expect(real).toEqual({ ok: false, error: 'not_found' });
    expect(await as(stranger).setChatArchived({ chatId: randomUUID(), archived: true })).toEqual(real);
    expect(await as(stranger).setChatArchived({ chatId, archived: 'yes' })).toEqual({ ok: false, error: 'invalid_input' });
  });
});

describe('the chat actions from before groups', () => {
  it('searchUsers finds people and startChat opens one 1:1 chat, told to both', async () => {
    const [a, b] = await Promise.all([makeUser({ displayName: 'Searcher' }), makeUser({ displayName: 'Findable Person' })]);
    const found = await as(a).searchUsers(b.username);
    expect(found.ok && found.data.map((u) => u.id)).toEqual([b.id]);

    const theirs = await server.connect(b);
    const told = nextEvent(theirs, 'chat:created');
    const started = await as(a).startChat(b.id);
    expect(started.ok).toBe(true);
    expect(await told).toMatchObject({ kind: 'direct', peer: { id: a.id }, memberCount: 2 });
    expect(await as(b).startChat(a.id)).toEqual(started);
  });
});
