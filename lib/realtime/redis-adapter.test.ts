import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeTestServices,
  connectAs,
  makeChat,
  nextEvent,
  sendMessage,
  startRealtimeServer,
  waitFor,
  type TestRealtimeServer,
} from '@/lib/testing/harness';
import { startRealtimeProcess, type RealtimeProcess } from '@/lib/testing/second-process';

describe.skipIf(!process.env.REDIS_URL)('two server processes sharing Redis (needs REDIS_URL)', () => {
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

  /** Both adapters are subscribed once this process can see a socket that lives on the other one. */
  async function untilVisibleHere(userId: string) {
    await waitFor(async () => {
      const sockets = await local.io.fetchSockets();
      return sockets.some((socket) => socket.data.userId === userId) ? true : undefined;
    }, `socket of ${userId} on the other process`);
  }

  it('runs the second server as a separate OS process', () => {
    expect(remote.pid).not.toBe(process.pid);
    expect(new URL(remote.url).port).not.toBe(new URL(local.url).port);
  });

  it('delivers message:new to the other member in both directions', async () => {
    const { a, b, chatId } = await makeChat();
    const socketA = await local.connect(a);
    const socketB = await connectAs(remote.url, b);
    await untilVisibleHere(b.id);

    const toB = nextEvent(socketB, 'message:new', (m) => m.chatId === chatId);
    const fromA = await sendMessage(socketA, { chatId, body: 'across processes' });
    expect(fromA.ok).toBe(true);
    expect(await toB).toEqual(fromA.ok && fromA.data);

    const toA = nextEvent(socketA, 'message:new', (m) => m.body === 'and back');
    const fromB = await sendMessage(socketB, { chatId, body: 'and back' });
    expect(fromB).toMatchObject({ ok: true, data: { seq: 2, senderId: b.id } });
    expect(await toA).toEqual(fromB.ok && fromB.data);
  });

  it('stores a retry sent to the other process once', async () => {
    const { a, chatId } = await makeChat();
    const here = await local.connect(a);
    const there = await connectAs(remote.url, a);
    const clientId = randomUUID();

    const [x, y] = await Promise.all([
      sendMessage(here, { chatId, clientId, body: 'once' }),
      sendMessage(there, { chatId, clientId, body: 'once' }),
    ]);

    expect(x).toMatchObject({ ok: true, data: { seq: 1 } });
    expect(y).toEqual(x);
  });
});
