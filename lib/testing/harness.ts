/**
 * Shared setup for integration tests: users and chats in the run's database, real Auth.js session cookies,
 * a realtime server on a loopback port, typed socket.io clients, and waits that time out instead of sleeping.
 * Every file that uses it calls `closeTestServices()` (and its server's `close()`) in afterAll.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from 'next-auth/jwt';
import { io as connectClient, type Socket } from 'socket.io-client';
import { closeDb } from '@/db';
import { getOrCreateDirectChat } from '@/db/queries/chats';
import { createUser } from '@/db/queries/users';
import type { User } from '@/db/schema';
import type { Result } from '@/lib/errors';
import type { ClientToServerEvents, MessageDTO, ServerToClientEvents, SyncPage } from '@/lib/realtime/events';
import { createRealtimeServer, type RealtimeServer } from '@/lib/realtime/server';
import { closeRedis, getRedis } from '@/lib/redis';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Long enough for a loaded CI machine; only ever the bound of a wait, never a delay. */
export const WAIT_MS = 5_000;

/** A fresh name per call, so parallel files never collide in the shared database. */
export const randomName = (prefix = 'u') => `${prefix}_${randomUUID().slice(0, 8)}`;

export async function makeUser(input: { username?: string; displayName?: string } = {}): Promise<User> {
  const username = input.username ?? randomName();
  const user = await createUser({ username, displayName: input.displayName ?? username, passwordHash: 'not-a-real-hash' });
  if (!user) throw new Error(`makeUser: username ${username} is taken`);
  return user;
}

/** Two fresh users and their 1:1 chat. */
export async function makeChat(): Promise<{ a: User; b: User; chatId: string }> {
  const [a, b] = await Promise.all([makeUser(), makeUser()]);
  const { chatId } = await getOrCreateDirectChat({ userId: a.id, peerId: b.id });
  return { a, b, chatId };
}

/** The JWT Auth.js itself would set for this user on plain http (APP_URL is unset in tests). */
export async function mintSessionToken(user: Pick<User, 'id' | 'sessionVersion' | 'displayName'>): Promise<string> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: run through scripts/with-test-services.mjs');
  return encode({ token: { sub: user.id, sv: user.sessionVersion, sid: randomUUID(), name: user.displayName }, secret, salt: 'authjs.session-token' });
}

export const cookieHeader = (token: string) => `authjs.session-token=${token}`;

export type MintOptions = {
  sessionId?: string;
  /** Replace (or, with undefined, drop) claims of the token Auth.js would issue. */
  claims?: Record<string, unknown>;
  secret?: string;
  /** Seconds until `exp`; Auth.js sets exp = now + maxAge, and tolerates 15 s of clock skew when decoding. */
  maxAge?: number;
};

/** A session token with a known session id, optionally altered, for session and handshake tests. */
export async function mintSession(
  user: Pick<User, 'id' | 'sessionVersion' | 'displayName'>,
  options: MintOptions = {},
): Promise<{ token: string; sessionId: string; cookie: string }> {
  const secret = options.secret ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: run through scripts/with-test-services.mjs');
  const sessionId = options.sessionId ?? randomUUID();
  const claims: Record<string, unknown> = { sub: user.id, sv: user.sessionVersion, sid: sessionId, name: user.displayName, ...options.claims };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  const token = await encode({ token: claims, secret, salt: 'authjs.session-token', maxAge: options.maxAge });
  return { token, sessionId, cookie: cookieHeader(token) };
}

const openSockets = new Set<TestSocket>();

/** A client that does not reconnect, so a refused handshake stays refused. Not connected until awaited. */
function openSocket(url: string, headers: Record<string, string>): TestSocket {
  const socket: TestSocket = connectClient(url, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    timeout: WAIT_MS,
  });
  openSockets.add(socket);
  return socket;
}

/** Resolves with the connected socket, or rejects with the handshake's connect_error. */
export function connectWithHeaders(url: string, headers: Record<string, string>): Promise<TestSocket> {
  const socket = openSocket(url, headers);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

export async function connectAs(url: string, user: Pick<User, 'id' | 'sessionVersion' | 'displayName'>): Promise<TestSocket> {
  return connectWithHeaders(url, { cookie: cookieHeader(await mintSessionToken(user)) });
}

/** The error of a handshake that must be refused; fails if the socket connects instead. */
export async function expectConnectError(url: string, headers: Record<string, string>): Promise<Error> {
  try {
    const socket = await connectWithHeaders(url, headers);
    socket.disconnect();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the handshake to be refused, but the socket connected');
}

export function disconnectAllSockets(): void {
  for (const socket of openSockets) socket.disconnect();
  openSockets.clear();
}

/** Sends without the typed contract, for payloads the contract forbids. Resolves with the raw ack. */
export function emitRaw(socket: TestSocket, event: keyof ClientToServerEvents, payload: unknown): Promise<unknown> {
  return (socket as unknown as Socket).timeout(WAIT_MS).emitWithAck(event, payload);
}

export function sendMessage(socket: TestSocket, input: { chatId: string; body: string; clientId?: string }): Promise<Result<MessageDTO>> {
  return socket.timeout(WAIT_MS).emitWithAck('message:send', { clientId: randomUUID(), ...input });
}

export function joinChat(socket: TestSocket, chatId: string): Promise<Result<{ lastSeq: number }>> {
  return socket.timeout(WAIT_MS).emitWithAck('chat:join', { chatId });
}

export function syncMessages(socket: TestSocket, input: { chatId: string; afterSeq: number }): Promise<Result<SyncPage>> {
  return socket.timeout(WAIT_MS).emitWithAck('message:sync', input);
}

/** The first `event` that satisfies `match`, or a rejection after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const listener = ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    }) as ServerToClientEvents[E];
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, listener as never);
  });
}

/** Every message:new a socket hears from now on, to assert later what it did not hear. */
export function recordMessages(socket: TestSocket): MessageDTO[] {
  const heard: MessageDTO[] = [];
  socket.on('message:new', (message) => heard.push(message));
  return heard;
}

/** Every `event` a socket hears from now on that satisfies `match`, to assert later what it heard and did not. */
export function recordEvents<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Parameters<ServerToClientEvents[E]>[0][] {
  const heard: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
    if (match(payload)) heard.push(payload);
  }) as never);
  return heard;
}

/** Polls `check` until it returns a value other than undefined; for state with no event to wait on. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the shared Redis command client can take commands (it has no offline queue by design). */
export async function waitForRedisReady(): Promise<void> {
  const redis = getRedis();
  if (!redis || redis.command.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.command.once('ready', () => resolve());
    setTimeout(() => reject(new Error('Redis command client not ready')), WAIT_MS).unref();
  });
}

export type TestRealtimeServer = {
  io: RealtimeServer;
  url: string;
  connect(user: Pick<User, 'id' | 'sessionVersion' | 'displayName'>): Promise<TestSocket>;
  close(): Promise<void>;
};

/**
 * createRealtimeServer on 127.0.0.1:0, as server.ts wires it but without Next; `options` as
 * createRealtimeServer takes them (e.g. a small send limit for the flood tests).
 */
export async function startRealtimeServer(options?: Parameters<typeof createRealtimeServer>[1]): Promise<TestRealtimeServer> {
  const httpServer = createServer();
  const io = createRealtimeServer(httpServer, options);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  await waitForRedisReady();
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    io,
    url,
    connect: (user) => connectAs(url, user),
    async close() {
      disconnectAllSockets();
      // Closing io closes the HTTP server too.
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/** The db pool and Redis connections of this test file. */
export async function closeTestServices(): Promise<void> {
  disconnectAllSockets();
  await Promise.all([closeDb(), closeRedis()]);
}
