/**
 * Issue 5, groups live: the server actions as a signed-in person calls them, with real sockets listening.
 * Added members hear of the group and its next messages without reconnecting; a removed member stops at once,
 * on this instance and on another one, while the history up to their removal stays theirs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getMembership, getReadableMembership } from '@/db/queries/chats';
import { toUserDTO } from '@/db/queries/users';
import type { User } from '@/db/schema';
import type { Result } from '@/lib/errors';
import type { SyncPage, UserDTO } from '@/lib/realtime/events';
import {
  closeTestServices,
  connectAs,
  emitRaw,
  makeChat,
  makeUser,
  nextEvent,
  recordEvents,
  sendMessage,
  startRealtimeServer,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';
import { startRealtimeProcess, type RealtimeProcess } from '@/lib/testing/second-process';

// Server actions read the session through Auth.js, which needs a Next request; everything after it is under test.
const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const actions = await import('@/app/(chat)/group-actions');

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

/** An acked round trip on `socket`: anything the server wrote to it before is delivered by the time this resolves. */
const flushed = (socket: TestSocket) => emitRaw(socket, 'chat:join', { chatId: randomUUID() });

async function makeGroup() {
  const [admin, ben, cat] = await Promise.all([makeUser(), makeUser(), makeUser()]);
  const created = await as(admin).createGroup({ title: 'Trip', memberIds: [ben.id, cat.id] });
  if (!created.ok) throw new Error(`createGroup: ${created.error}`);
  return { admin, ben, cat, chatId: created.data.chatId };
}

describe('createGroup', () => {
  it('refuses the signed-out, too few members and malformed input', async () => {
    const [admin, ben] = await Promise.all([makeUser(), makeUser()]);
    session.user = null;
    expect(await actions.createGroup({ title: 'x', memberIds: [ben.id, randomUUID()] })).toEqual({ ok: false, error: 'unauthorized' });
    expect(await as(admin).createGroup({ title: 'x', memberIds: [ben.id] })).toEqual({ ok: false, error: 'invalid_input' });
    expect(await as(admin).createGroup({ title: 'x', memberIds: 'everyone' })).toEqual({ ok: false, error: 'invalid_input' });
  });

  it('tells every member’s open tab, which then hears the group live without reconnecting', async () => {
    const [admin, ben, cat] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const [adminSocket, benSocket, catSocket] = await Promise.all([server.connect(admin), server.connect(ben), server.connect(cat)]);
    const heard = [benSocket, catSocket].map((socket) => nextEvent(socket, 'chat:created', (c) => c.title === 'Trip'));

    const created = await as(admin).createGroup({ title: 'Trip', memberIds: [ben.id, cat.id] });
    expect(created.ok).toBe(true);
    const [forBen] = await Promise.all(heard);
    expect(forBen).toMatchObject({ kind: 'group', peer: null, memberCount: 3, myRole: 'member', active: true });

    const chatId = forBen!.id;
    const live = nextEvent(catSocket, 'message:new', (m) => m.body === 'hello group');
    expect(await sendMessage(adminSocket, { chatId, body: 'hello group' })).toMatchObject({ ok: true });
    expect((await live).senderId).toBe(admin.id);
  });
});

describe('addGroupMembers', () => {
  it('gives the added member chat:created and then live messages; the others the line and the new count', async () => {
    const { admin, ben, chatId } = await makeGroup();
    const dan = await makeUser();
    const [adminSocket, benSocket, danSocket] = await Promise.all([server.connect(admin), server.connect(ben), server.connect(dan)]);
    const created = nextEvent(danSocket, 'chat:created', (c) => c.id === chatId);
    const updated = nextEvent(benSocket, 'chat:updated', (c) => c.id === chatId);
    const line = nextEvent(benSocket, 'message:new', (m) => m.chatId === chatId);

    expect(await as(admin).addGroupMembers({ chatId, userIds: [dan.id] })).toEqual({ ok: true, data: null });

    expect(await created).toMatchObject({ title: 'Trip', memberCount: 4, active: true, myRole: 'member' });
    expect((await updated).memberCount).toBe(4);
    expect(await line).toMatchObject({ kind: 'system', event: { type: 'members_added', actorId: admin.id, userIds: [dan.id] } });

    const live = nextEvent(danSocket, 'message:new', (m) => m.body === 'welcome');
    await sendMessage(adminSocket, { chatId, body: 'welcome' });
    await live;
    expect(await emitRaw(danSocket, 'chat:join', { chatId })).toMatchObject({ ok: true });
  });
});

/** Removes `cat` while their socket (here or on another instance) listens, then checks they hear nothing more. */
async function removeWhileListening(catUrl: string) {
  const { admin, ben, cat, chatId } = await makeGroup();
  const [adminSocket, benSocket] = await Promise.all([server.connect(admin), server.connect(ben)]);
  const catSocket = await connectAs(catUrl, cat);
  const catHeard = recordEvents(catSocket, 'message:new');
  const catUpdates = recordEvents(catSocket, 'chat:updated', (c) => c.id === chatId);
  const benHeardLine = nextEvent(benSocket, 'message:new', (m) => m.event?.type === 'member_removed');

  expect(await as(admin).removeGroupMember({ chatId, userId: cat.id })).toEqual({ ok: true, data: null });
  const removedLine = await benHeardLine;

  // Sent right after the removal: Ben hears it, Cat must not.
  const benHears = nextEvent(benSocket, 'message:new', (m) => m.body === 'after cat');
  expect(await sendMessage(adminSocket, { chatId, body: 'after cat' })).toMatchObject({ ok: true });
  await benHears;
  await flushed(catSocket);

  expect(catHeard.map((m) => m.body || m.event?.type)).toEqual(['member_removed']);
  expect(catUpdates.at(-1)).toMatchObject({ active: false, memberCount: 2 });
  return { admin, ben, cat, chatId, catSocket, benSocket, removedLine };
}

/** Messages keep coming while Cat is removed: whatever Cat hears live is numbered at most the removal line. */
async function removeDuringTraffic(catUrl: string) {
  const { admin, ben, cat, chatId } = await makeGroup();
  const [adminSocket, benSocket] = await Promise.all([server.connect(admin), server.connect(ben)]);
  const catSocket = await connectAs(catUrl, cat);
  const catHeard = recordEvents(catSocket, 'message:new', (m) => m.chatId === chatId);
  const benHeard = recordEvents(benSocket, 'message:new', (m) => m.chatId === chatId);

  const traffic = (async () => {
    for (let i = 0; i < 30; i += 1) expect(await sendMessage(adminSocket, { chatId, body: `m${i}` })).toMatchObject({ ok: true });
  })();
  expect(await as(admin).removeGroupMember({ chatId, userId: cat.id })).toEqual({ ok: true, data: null });
  await traffic;
  const last = nextEvent(benSocket, 'message:new', (m) => m.body === 'last');
  await sendMessage(adminSocket, { chatId, body: 'last' });
  await last;
  await flushed(catSocket);

  const removal = benHeard.find((m) => m.event?.type === 'member_removed')!;
  expect(catHeard.map((m) => m.seq).filter((seq) => seq > removal.seq)).toEqual([]);
  expect(catHeard.map((m) => m.seq)).toContain(removal.seq);
}

describe('removeGroupMember', () => {
  it('never lets a message numbered after the removal reach the removed member live, even mid-traffic', async () => {
    await removeDuringTraffic(server.url);
  });

  it('stops the removed member’s live socket at once; send, join and typing are refused; the history stays readable', async () => {
    const { cat, chatId, catSocket, benSocket, removedLine, admin } = await removeWhileListening(server.url);

    expect(await emitRaw(catSocket, 'message:send', { chatId, clientId: randomUUID(), body: 'still here?' })).toEqual({ ok: false, error: 'not_found' });
    expect(await emitRaw(catSocket, 'chat:join', { chatId })).toEqual({ ok: false, error: 'not_found' });
    expect(await emitRaw(catSocket, 'receipt:update', { chatId, deliveredSeq: 9, readSeq: 9 })).toEqual({ ok: false, error: 'not_found' });
    const benTyping = recordEvents(benSocket, 'typing:update', (t) => t.chatId === chatId);
    catSocket.emit('typing:start', { chatId });
    await flushed(catSocket);
    const adminSocket = await server.connect(admin);
    const barrier = nextEvent(benSocket, 'typing:update', (t) => t.userId === admin.id);
    adminSocket.emit('typing:start', { chatId });
    await barrier;
    expect(benTyping.map((t) => t.userId)).toEqual([admin.id]);

    expect(await getMembership({ chatId, userId: cat.id })).toBeNull();
    expect(await getReadableMembership({ chatId, userId: cat.id })).toMatchObject({ active: false, visibleAfterSeq: 0, visibleUpToSeq: removedLine.seq });
  });

  it('keeps a removed member out after a reconnect, and syncs them only up to their removal', async () => {
    const { admin, ben, cat, chatId, removedLine } = await removeWhileListening(server.url);
    const [again, adminSocket, benSocket] = await Promise.all([server.connect(cat), server.connect(admin), server.connect(ben)]);
    const heard = recordEvents(again, 'message:new');
    const benHears = nextEvent(benSocket, 'message:new', (m) => m.body === 'after reconnect');
    await sendMessage(adminSocket, { chatId, body: 'after reconnect' });
    await benHears;
    await flushed(again);
    expect(heard).toEqual([]);

    const page = (await emitRaw(again, 'message:sync', { chatId, afterSeq: 0 })) as Result<SyncPage>;
    expect(page.ok && page.data.messages.map((m) => m.seq)).toEqual(Array.from({ length: removedLine.seq }, (_, i) => i + 1));
  });

  it('leaves the target’s sockets alone when a non-admin tries', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    const [adminSocket, catSocket] = await Promise.all([server.connect(admin), server.connect(cat)]);
    expect(await as(ben).removeGroupMember({ chatId, userId: cat.id })).toEqual({ ok: false, error: 'forbidden' });
    const live = nextEvent(catSocket, 'message:new', (m) => m.body === 'still in');
    await sendMessage(adminSocket, { chatId, body: 'still in' });
    await live;
  });
});

describe.skipIf(!process.env.REDIS_URL)('a removed member on another instance (needs REDIS_URL)', () => {
  let remote: RealtimeProcess;

  beforeAll(async () => {
    remote = await startRealtimeProcess();
  });

  afterAll(async () => {
    await remote?.stop();
  });

  it('hears the removal, then nothing sent after it', async () => {
    await removeWhileListening(remote.url);
  });

  it('hears nothing numbered after the removal, even mid-traffic', async () => {
    await removeDuringTraffic(remote.url);
  });
});

describe('leaveGroup', () => {
  it('ends the leaver’s live feed and makes the longest-standing member admin when the last admin leaves', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    const [adminSocket, benSocket, catSocket] = await Promise.all([server.connect(admin), server.connect(ben), server.connect(cat)]);
    const adminUpdate = nextEvent(adminSocket, 'chat:updated', (c) => c.id === chatId);
    const benUpdate = nextEvent(benSocket, 'chat:updated', (c) => c.id === chatId);
    // Ben and Cat joined together: one of them (by id) becomes admin and hears so.
    const promoted = Promise.race([benSocket, catSocket].map((socket) => nextEvent(socket, 'chat:updated', (c) => c.id === chatId && c.myRole === 'admin')));
    const catLine = nextEvent(catSocket, 'message:new', (m) => m.event?.type === 'member_left');

    expect(await as(admin).leaveGroup(chatId)).toEqual({ ok: true, data: null });
    expect(await adminUpdate).toMatchObject({ active: false, memberCount: 2 });
    expect((await benUpdate).memberCount).toBe(2);
    expect((await catLine).senderId).toBe(admin.id);
    await promoted;
    expect([(await getMembership({ chatId, userId: ben.id }))?.role, (await getMembership({ chatId, userId: cat.id }))?.role].sort()).toEqual(['admin', 'member']);

    const adminHeard = recordEvents(adminSocket, 'message:new');
    const catHears = nextEvent(catSocket, 'message:new', (m) => m.body === 'bye');
    await sendMessage(benSocket, { chatId, body: 'bye' });
    await catHears;
    await flushed(adminSocket);
    expect(adminHeard).toEqual([]);
    expect(await as(admin).leaveGroup(chatId)).toEqual({ ok: false, error: 'not_found' });
  });
});

describe('renameGroup and makeGroupAdmin', () => {
  it('reach every member as a line and an updated summary', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    const catSocket = await server.connect(cat);
    const renamed = nextEvent(catSocket, 'chat:updated', (c) => c.title === 'Trip 2');
    const line = nextEvent(catSocket, 'message:new', (m) => m.event?.type === 'group_renamed');
    expect(await as(admin).renameGroup({ chatId, title: ' Trip 2 ' })).toEqual({ ok: true, data: null });
    await Promise.all([renamed, line]);

    const benSocket = await server.connect(ben);
    const promoted = nextEvent(benSocket, 'chat:updated', (c) => c.id === chatId && c.myRole === 'admin');
    expect(await as(admin).makeGroupAdmin({ chatId, userId: ben.id })).toEqual({ ok: true, data: null });
    await promoted;
    expect(await as(ben).renameGroup({ chatId, title: 'Ben’s' })).toEqual({ ok: true, data: null });
  });
});

describe('authorization through the actions', () => {
  it('answers a member who is not an admin forbidden', async () => {
    const { ben, cat, chatId } = await makeGroup();
    const dan = await makeUser();
    const b = as(ben);
    expect(await b.addGroupMembers({ chatId, userIds: [dan.id] })).toEqual({ ok: false, error: 'forbidden' });
    expect(await b.renameGroup({ chatId, title: 'Mine' })).toEqual({ ok: false, error: 'forbidden' });
    expect(await b.makeGroupAdmin({ chatId, userId: cat.id })).toEqual({ ok: false, error: 'forbidden' });
  });

  it('answers a stranger exactly as for a random uuid, for every action', async () => {
    const { admin, chatId } = await makeGroup();
    const stranger = await makeUser();
    const direct = await makeChat();
    const every = async (id: string) => {
      const s = as(stranger);
      return [
        await s.addGroupMembers({ chatId: id, userIds: [stranger.id] }),
        await s.removeGroupMember({ chatId: id, userId: admin.id }),
        await s.leaveGroup(id),
        await s.renameGroup({ chatId: id, title: 'Mine' }),
        await s.makeGroupAdmin({ chatId: id, userId: stranger.id }),
        await s.getChatMembers(id),
      ];
    };
    const real = await every(chatId);
    expect(real).toEqual(real.map(() => ({ ok: false, error: 'not_found' })));
    expect(await every(randomUUID())).toEqual(real);
    expect(await every(direct.chatId)).toEqual(real);
  });

  it('lists members for current and former members', async () => {
    const { admin, cat, chatId } = await makeGroup();
    await as(admin).removeGroupMember({ chatId, userId: cat.id });
    const seen = await as(cat).getChatMembers(chatId);
    expect(seen.ok && seen.data.map((m) => [m.id, m.active])).toContainEqual([cat.id, false]);
  });
});

describe('receipts in a group', () => {
  it('reach current members only', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    await as(admin).removeGroupMember({ chatId, userId: cat.id });
    const [adminSocket, benSocket, catSocket] = await Promise.all([server.connect(admin), server.connect(ben), server.connect(cat)]);
    const catHeard = recordEvents(catSocket, 'receipt:update', (r) => r.chatId === chatId);
    const adminHears = nextEvent(adminSocket, 'receipt:update', (r) => r.chatId === chatId && r.userId === ben.id);

    expect(await emitRaw(benSocket, 'receipt:update', { chatId, deliveredSeq: 3, readSeq: 3 })).toEqual({ ok: true, data: null });
    await adminHears;
    await flushed(catSocket);
    expect(catHeard).toEqual([]);
  });
});
