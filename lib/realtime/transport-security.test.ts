/**
 * Issue 3: "forged Origin on websocket and polling refused" and "a 2 MB frame closes the socket without a retry
 * loop", at the transport, with clients built the way lib/realtime/client.ts builds the app's.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAllowedOrigins } from '@/lib/env';
import {
  closeTestServices,
  makeChat,
  makeUser,
  mintSession,
  sendMessage,
  startRealtimeServer,
  waitFor,
  WAIT_MS,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';

const EVIL = 'https://evil.example';
let server: TestRealtimeServer;
const clients: Socket[] = [];

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server?.close();
  await closeTestServices();
});

/** Connects one non-reconnecting client on one transport; resolves 'connected' or the connect_error's message. */
function tryConnect(transport: 'websocket' | 'polling', headers: Record<string, string>): Promise<string> {
  const client = connectClient(server.url, { transports: [transport], extraHeaders: headers, reconnection: false, forceNew: true, timeout: WAIT_MS });
  clients.push(client);
  return new Promise((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('connect_error', (error) => resolve(error.message));
  });
}

/** A bare engine.io request: the polling handshake, or a WebSocket upgrade. Resolves the HTTP status. */
function rawHandshake(transport: 'polling' | 'websocket', origin: string): Promise<number> {
  const upgrade = transport === 'websocket';
  const headers: Record<string, string> = { origin };
  if (upgrade) Object.assign(headers, { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
  return new Promise((resolve, reject) => {
    const request = http.get(`${server.url}/socket.io/?EIO=4&transport=${transport}`, { headers, timeout: WAIT_MS });
    request.once('response', (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.once('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode!);
    });
    request.once('error', reject);
  });
}

describe('a forged Origin', () => {
  it('is refused on the websocket and the polling transport, with a valid cookie; an allowed Origin connects on both', async () => {
    const { cookie } = await mintSession(await makeUser());
    const [allowed] = getAllowedOrigins();

    for (const transport of ['websocket', 'polling'] as const) {
      expect(await tryConnect(transport, { cookie, origin: allowed! }), transport).toBe('connected');
      const refusal = await tryConnect(transport, { cookie, origin: EVIL });
      // Refused by allowRequest before authentication could answer: not 'unauthorized', not connected.
      expect(refusal, transport).not.toBe('connected');
      expect(refusal, transport).not.toBe('unauthorized');
    }
  });

  it('gets 403 on the polling handshake and no 101 on a WebSocket upgrade, where the allowed Origin gets 200 and 101', async () => {
    const [allowed] = getAllowedOrigins();
    expect(await rawHandshake('polling', allowed!)).toBe(200);
    expect(await rawHandshake('polling', EVIL)).toBe(403);
    expect(await rawHandshake('websocket', allowed!)).toBe(101);
    expect(await rawHandshake('websocket', EVIL)).not.toBe(101);
  });
});

describe('a 2 MB frame', () => {
  it('closes the socket once; the app-style client reconnects and does not send it again', async () => {
    const { a, chatId } = await makeChat();
    const { cookie } = await mintSession(a);
    const disconnects: string[] = [];
    let connections = 0;
    server.io.on('connection', (socket) => {
      if (socket.data.userId !== a.id) return;
      connections += 1;
      socket.on('disconnect', (reason) => disconnects.push(reason));
    });

    // As lib/realtime/client.ts: websocket then polling, reconnection on, no `retries`; plus the cookie a browser sends.
    const client: TestSocket = connectClient(server.url, { transports: ['websocket', 'polling'], withCredentials: true, autoConnect: false, forceNew: true, extraHeaders: { cookie } });
    clients.push(client as unknown as Socket);
    let clientConnects = 0;
    client.on('connect', () => (clientConnects += 1));
    client.connect();
    await waitFor(async () => (clientConnects === 1 ? true : undefined), 'the first connect');

    const oversized = { chatId, clientId: randomUUID(), body: 'x'.repeat(2 * 1024 * 1024) };
    client.timeout(WAIT_MS).emit('message:send', oversized, () => {});
    await waitFor(async () => (disconnects.length >= 1 ? true : undefined), 'the server to close the socket');
    expect(disconnects[0]).toMatch(/^transport (close|error)$/);

    // Reconnected by itself, and usable.
    await waitFor(async () => (clientConnects === 2 ? true : undefined), 'the client to reconnect', WAIT_MS * 2);
    expect(await sendMessage(client, { chatId, body: 'still here' })).toMatchObject({ ok: true, data: { seq: 1 } });

    // A resend loop would close it again within moments of each reconnect: watch a bounded window.
    await delay(3_000);
    expect(disconnects).toHaveLength(1);
    expect(connections).toBe(2);
    expect(client.connected).toBe(true);
  }, 20_000);
});
