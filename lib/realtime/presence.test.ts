import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { getPresenceFacts, updatePrivacy } from '@/db/queries/presence';
import { users } from '@/db/schema';
import { getRedisPrefix } from '@/lib/env';
import { getRedis } from '@/lib/redis';
import {
  closeTestServices,
  connectAs,
  makeChat,
  makeUser,
  nextEvent,
  recordEvents,
  sendMessage,
  startRealtimeServer,
  waitFor,
  WAIT_MS,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';
import { startRealtimeProcess, type RealtimeProcess } from '@/lib/testing/second-process';
import type { PresenceDTO } from './events';
import { getPresence } from './presence';
import { PRESENCE_HEARTBEAT_MS } from './presence-store';

/**
 * Presence, typing and receipts between two realtime servers sharing Postgres and Redis: this process (`local`)
 * and a separate OS process (`remote`). Sockets of one user on both count as one person online.
 */
describe.skipIf(!process.env.REDIS_URL)('presence across tabs and instances (needs REDIS_URL)', () => {
  let local: TestRealtimeServer;
  let remote: RealtimeProcess;

  beforeAll(async () => {
    [local, remote] = await Promise.all([startRealtimeServer(), startRealtimeProcess()]);
  });

  afterAll(async () => {
    await local?.close();
    await remote?.stop();
    await closeTestServices();
  });

  /** How many instances hold a live claim for the user: the presence store's layout (lib/realtime/presence-store.ts). */
  const claims = (userId: string) => getRedis()!.command.zcount(`${getRedisPrefix()}presence:user:${userId}`, Date.now(), '+inf');
  const untilClaims = (userId: string, count: number) =>
    waitFor(async () => ((await claims(userId)) === count ? true : undefined), `${count} presence claims for ${userId}`);

  const presenceOf = (watcher: TestSocket, userId: string, online: boolean) =>
    nextEvent(watcher, 'presence:update', (p) => p.userId === userId && p.online === online);

  it('a contact hears "online" once for the first tab and "offline" with last seen only when the last tab closes', async () => {
    const { a, b } = await makeChat();
    const stranger = await makeUser();
    const watcher = await local.connect(a);
    const outsider = await local.connect(stranger);
    const heard = recordEvents(watcher, 'presence:update', (p) => p.userId === b.id);
    const heardByOutsider = recordEvents(outsider, 'presence:update', (p) => p.userId === b.id);

    const online = presenceOf(watcher, b.id, true);
    const tabHere = await local.connect(b);
    expect(await online).toMatchObject({ userId: b.id, online: true, lastSeenAt: null });

    // A second tab, on the other instance.
    const tabThere = await connectAs(remote.url, b);
    await untilClaims(b.id, 2);
    expect((await getPresence(a.id, b.id)).online).toBe(true);

    // Closing one tab: still online (its instance drops its claim; the other instance's remains).
    tabHere.disconnect();
    await untilClaims(b.id, 1);
    expect((await getPresence(a.id, b.id)).online).toBe(true);

    const offline = presenceOf(watcher, b.id, false);
    const closedAt = Date.now();
    tabThere.disconnect();
    const gone = await offline;
    expect(gone).toMatchObject({ userId: b.id, online: false, lastSeenAt: expect.any(String) });
    // Stamped when the last tab closed (clock of the other process, same machine).
    expect(Date.parse(gone.lastSeenAt!)).toBeGreaterThanOrEqual(closedAt - 1_000);
    expect(Date.parse(gone.lastSeenAt!)).toBeLessThanOrEqual(Date.now() + 1_000);
    expect((await getPresenceFacts(b.id))?.lastSeenAt?.toISOString()).toBe(gone.lastSeenAt);
    expect(await getPresence(a.id, b.id)).toMatchObject({ userId: b.id, online: false, lastSeenAt: gone.lastSeenAt });

    // Any announcement for the second tab or the first close was sent before this last one: none came.
    expect(heard.map((p) => p.online)).toEqual([true, false]);
    expect(heardByOutsider, 'someone who shares no chat with B hears nothing').toEqual([]);
  });

  it.each([
    ['the person who went offline', 'subject'],
    ['the contact watching', 'viewer'],
  ] as const)('hides last seen when %s turned on "hide my last seen" (reciprocal)', async (_who, hider) => {
    const { a, b } = await makeChat();
    await updatePrivacy({ userId: hider === 'subject' ? b.id : a.id, hideLastSeen: true, sendReadReceipts: true });
    const watcher = await local.connect(a);

    const online = presenceOf(watcher, b.id, true);
    const tab = await connectAs(remote.url, b);
    expect(await online).toMatchObject({ userId: b.id, online: true, lastSeenAt: null });
    expect(await getPresence(a.id, b.id)).toMatchObject({ userId: b.id, online: true, lastSeenAt: null });

    const offline = presenceOf(watcher, b.id, false);
    tab.disconnect();
    expect(await offline).toMatchObject({ userId: b.id, online: false, lastSeenAt: null });
    expect(await getPresence(a.id, b.id)).toMatchObject({ userId: b.id, online: false, lastSeenAt: null });
    // Still stamped: hiding is about who may see it.
    expect((await getPresenceFacts(b.id))?.lastSeenAt).toBeInstanceOf(Date);
  });

  it('typing reaches the other member on the other instance, and a closed tab stops typing there', async () => {
    const { a, b, chatId } = await makeChat();
    const typist = await connectAs(remote.url, a);
    const reader = await local.connect(b);
    await untilClaims(a.id, 1);

    const started = nextEvent(reader, 'typing:update', (u) => u.chatId === chatId);
    typist.emit('typing:start', { chatId });
    expect(await started).toEqual({ chatId, userId: a.id, typing: true });

    const stopped = nextEvent(reader, 'typing:update', (u) => u.chatId === chatId && !u.typing);
    typist.disconnect();
    expect(await stopped).toEqual({ chatId, userId: a.id, typing: false });
  });

  it('a receipt reported on one instance reaches the sender on the other, and the reader’s tab there', async () => {
    const { a, b, chatId } = await makeChat();
    const sender = await local.connect(a);
    const readerHere = await local.connect(b);
    const readerThere = await connectAs(remote.url, b);
    await untilClaims(b.id, 2);
    const sent = await sendMessage(sender, { chatId, body: 'across' });
    expect(sent.ok).toBe(true);

    const receipt = nextEvent(sender, 'receipt:update', (r) => r.chatId === chatId && r.readSeq === 1);
    const read = nextEvent(readerHere, 'chat:read', (r) => r.chatId === chatId);
    expect(await readerThere.timeout(WAIT_MS).emitWithAck('receipt:update', { chatId, deliveredSeq: 1, readSeq: 1 })).toEqual({ ok: true, data: null });
    expect(await receipt).toEqual({ chatId, userId: b.id, deliveredSeq: 1, readSeq: 1 });
    expect(await read).toEqual({ chatId, readSeq: 1, markedUnread: false });
  });

  describe('an instance that dies without a goodbye', () => {
    let doomed: RealtimeProcess;
    let b: { id: string };
    let connectedAt: number;
    let sweptAfterMs: number;
    let offline: PresenceDTO;

    // One kill for both tests below: the sweep runs on a 15 s heartbeat, so it is waited for once.
    beforeAll(async () => {
      doomed = await startRealtimeProcess();
      const chat = await makeChat();
      b = chat.b;
      // B was last here two days ago.
      await getDb().update(users).set({ lastSeenAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(users.id, b.id));
      const watcher = await local.connect(chat.a);
      const online = presenceOf(watcher, b.id, true);
      connectedAt = Date.now();
      await connectAs(doomed.url, chat.b);
      await online;
      await untilClaims(b.id, 1);

      // Killed; its claim would lapse PRESENCE_TTL_MS (40 s) later. Written as lapsed instead of waiting.
      process.kill(doomed.pid, 'SIGKILL');
      const redis = getRedis()!.command;
      const key = `${getRedisPrefix()}presence:user:${b.id}`;
      const [instanceId] = await redis.zrange(key, '0', '-1');
      const lapsedAt = Date.now();
      await redis.multi().zadd(key, lapsedAt - 1, instanceId!).zadd(`${getRedisPrefix()}presence:online`, lapsedAt - 1, b.id).exec();
      // Any live instance's next heartbeat (every PRESENCE_HEARTBEAT_MS) sweeps it; plus a margin for a loaded machine.
      offline = await nextEvent(watcher, 'presence:update', (p) => p.userId === b.id && !p.online, PRESENCE_HEARTBEAT_MS + 5_000);
      sweptAfterMs = Date.now() - lapsedAt;
    }, PRESENCE_HEARTBEAT_MS + 30_000);

    afterAll(async () => {
      await doomed?.stop();
    });

    it('turns the user offline through another instance’s heartbeat, within one heartbeat of the claim lapsing', async () => {
      expect(offline).toMatchObject({ userId: b.id, online: false });
      expect(sweptAfterMs).toBeLessThanOrEqual(PRESENCE_HEARTBEAT_MS + 5_000);
      expect((await getPresence(randomUUID(), b.id)).online).toBe(false);
    });

    // Regression (fixed): the sweep announces the last seen stamped in Postgres, but nothing stamps it when a user comes online (only on the last disconnect, and on a 60 s timer counted from server start).
    it('announces a last seen from this session, not the previous one', () => {
      expect(offline.lastSeenAt).not.toBeNull();
      expect(Date.parse(offline.lastSeenAt!)).toBeGreaterThanOrEqual(connectedAt - 1_000);
    });
  });
});
