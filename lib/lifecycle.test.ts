import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackPendingAcks, type AckTracker } from './lifecycle';

// A bare Socket.IO server whose `work` handler answers when the test says so.
const httpServer = createServer();
const server = new Server(httpServer);
const release = new Map<string, () => void>();
server.on('connection', (socket) => {
  socket.on('work', (id: string, ack: (result: string) => void) => {
    release.set(id, () => ack(id));
  });
});
const tracker: AckTracker = trackPendingAcks(server);
let url = '';
const clients: Socket[] = [];

async function client(): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  clients.push(socket);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
};

beforeAll(async () => {
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  clients.forEach((socket) => socket.disconnect());
  await server.close();
});

describe('trackPendingAcks', () => {
  it('waits for the events being handled, not for the ones that arrive later', async () => {
    const socket = await client();
    const first = socket.emitWithAck('work', 'first');
    await until(() => release.has('first'));
    const settled = tracker.settled(2_000);
    socket.emit('work', 'later', () => {});
    await until(() => release.has('later'));
    expect(tracker.pending().map((entry) => entry.event)).toEqual(['work', 'work']);

    release.get('first')!();
    expect(await settled).toBe(true);
    expect(await first).toBe('first');
    release.get('later')!();
    await until(() => tracker.pending().length === 0);
  });

  it('gives up after the timeout while a handler has not answered', async () => {
    const socket = await client();
    socket.emit('work', 'slow', () => {});
    await until(() => release.has('slow'));
    expect(await tracker.settled(50)).toBe(false);
    release.get('slow')!();
    await until(() => tracker.pending().length === 0);
  });

  it('forgets an event Socket.IO dropped because its client disconnected right after sending it', async () => {
    for (let i = 0; i < 5; i++) {
      const socket = await client();
      socket.emit('work', `dropped-${i}`, () => {});
      socket.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const [id, answer] of release) if (id.startsWith('dropped-')) answer();
    await until(() => tracker.pending().length === 0);
    expect(await tracker.settled(50)).toBe(true);
  });
});
