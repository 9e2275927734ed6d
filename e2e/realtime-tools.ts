/**
 * Tools for the fault and security specs: the page's connection status, the realtime socket from Node
 * (with a browser's session cookie), and a man in the middle on the page's own WebSocket.
 */
import { type BrowserContext, type Locator, type Page } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MessageDTO, MessageSendPayload, ServerToClientEvents } from '../lib/realtime/events';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The chat shell's root: `data-connection` is connecting | connected | offline. */
export function connectionStatus(page: Page): Locator {
  return page.locator('[data-connection]');
}

/** The Auth.js session cookie(s) of a browser context as a Cookie header, or '' when signed out. */
export async function sessionCookieHeader(context: BrowserContext, baseURL: string): Promise<string> {
  return cookieHeaderOf(await context.cookies(baseURL));
}

export function cookieHeaderOf(cookies: Array<{ name: string; value: string }>): string {
  return cookies
    .filter((cookie) => cookie.name.includes('authjs.session-token'))
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join('; ');
}

/** A Socket.IO connection from Node, as a browser with `cookie` would open it; rejects with the connect_error. */
export async function openSocket(baseURL: string, cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseURL, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  } catch (error) {
    socket.disconnect();
    throw error;
  }
}

/** The handshake's refusal message for `cookie` ('unauthorized' for a bad session), or null if it connects. */
export async function handshakeError(baseURL: string, cookie: string): Promise<string | null> {
  try {
    (await openSocket(baseURL, cookie)).disconnect();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Runs `work` with a fresh socket and always closes it. */
export async function withSocket<T>(baseURL: string, cookie: string, work: (socket: ClientSocket) => Promise<T>): Promise<T> {
  const socket = await openSocket(baseURL, cookie);
  try {
    return await work(socket);
  } finally {
    socket.disconnect();
  }
}

/** Every message of a chat as the server stores it (Postgres, through `message:sync`), oldest first. */
export async function listStoredMessages(baseURL: string, cookie: string, chatId: string): Promise<MessageDTO[]> {
  return withSocket(baseURL, cookie, async (socket) => {
    const all: MessageDTO[] = [];
    for (;;) {
      const result = await socket.timeout(5000).emitWithAck('message:sync', { chatId, afterSeq: all.at(-1)?.seq ?? 0 });
      if (!result.ok) throw new Error(`message:sync failed: ${result.error}`);
      all.push(...result.data.messages);
      if (!result.data.hasMore) return all;
    }
  });
}

/**
 * When the page's realtime sockets were closed (a Socket.IO DISCONNECT packet from the server, or the WebSocket
 * closing): `firstSince(t)` is the first closure at or after `t`, e.g. of the socket a revocation must close.
 */
export function watchSocketClosures(page: Page): { firstSince: (time: number) => number | undefined } {
  const closures: number[] = [];
  page.on('websocket', (socket) => {
    if (!socket.url().includes('/socket.io/')) return;
    let closed = false;
    const close = () => {
      if (!closed) closures.push(Date.now());
      closed = true;
    };
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.startsWith('41')) close();
    });
    socket.on('close', close);
  });
  return { firstSince: (time) => closures.find((closedAt) => closedAt >= time) };
}

/** A Socket.IO event frame with an ack id, as the client sends it: `42<ackId>["event",payload]`. */
function parseClientEvent(frame: string | Buffer): { ackId: string; event: string; payload: unknown } | null {
  if (typeof frame !== 'string') return null;
  const match = /^42(\d+)(\[.*)$/s.exec(frame);
  if (!match) return null;
  try {
    const [event, payload] = JSON.parse(match[2]!) as [string, unknown];
    return { ackId: match[1]!, event, payload };
  } catch {
    return null;
  }
}

/** The ack id of a server ack frame `43<ackId>[...]`. */
function ackIdOf(frame: string | Buffer): string | null {
  return typeof frame === 'string' ? (/^43(\d+)\[/.exec(frame)?.[1] ?? null) : null;
}

/** The `message:new` payload of a server frame `42["message:new",{...}]`. */
function newMessageOf(frame: string | Buffer): MessageDTO | null {
  if (typeof frame !== 'string' || !frame.startsWith('42["message:new",')) return null;
  try {
    return (JSON.parse(frame.slice(2)) as [string, MessageDTO])[1];
  } catch {
    return null;
  }
}

/**
 * A man in the middle on the page's realtime WebSocket, for sends of a given body:
 * - `duplicate(body, times)`: the page's `message:send` frame for `body` reaches the server `times` times at once;
 * - `dropFirstAck(body)`: the server's first answer to that send (its ack, and the `message:new` echo to this
 *   page) is lost, so the page can only learn of it by retrying.
 * `sends(body)` counts the frames the page itself sent for `body` (retries included).
 * Must be installed before the page opens its socket.
 */
export async function tamperWithMessageSends(page: Page) {
  const duplicates = new Map<string, number>();
  const dropAckFor = new Set<string>();
  const sendCounts = new Map<string, number>();
  // Per targeted send: the ack id and client id whose first answers are to be dropped.
  const dropAckIds = new Set<string>();
  const dropEchoClientIds = new Set<string>();
  const dropped: string[] = [];

  await page.routeWebSocket(/\/socket\.io\//, (route) => {
    const server = route.connectToServer();
    route.onMessage((frame) => {
      const event = parseClientEvent(frame);
      const payload = event?.event === 'message:send' ? (event.payload as MessageSendPayload) : null;
      if (!event || !payload) return server.send(frame);
      sendCounts.set(payload.body, (sendCounts.get(payload.body) ?? 0) + 1);
      if (dropAckFor.delete(payload.body)) {
        dropAckIds.add(event.ackId);
        dropEchoClientIds.add(payload.clientId);
      }
      const times = duplicates.get(payload.body) ?? 1;
      duplicates.delete(payload.body);
      for (let i = 0; i < times; i += 1) server.send(frame);
    });
    server.onMessage((frame) => {
      const ackId = ackIdOf(frame);
      if (ackId && dropAckIds.delete(ackId)) return void dropped.push(`ack ${ackId}`);
      const message = newMessageOf(frame);
      if (message && dropEchoClientIds.delete(message.clientId)) return void dropped.push(`message:new ${message.clientId}`);
      route.send(frame);
    });
  });

  return {
    duplicate: (body: string, times: number) => void duplicates.set(body, times),
    dropFirstAck: (body: string) => void dropAckFor.add(body),
    sends: (body: string) => sendCounts.get(body) ?? 0,
    dropped: () => [...dropped],
  };
}
