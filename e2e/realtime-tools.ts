/**
 * Tools for the fault and security specs: the page's connection status, the realtime socket from Node
 * (with a browser's session cookie), and a man in the middle on the page's own WebSocket.
 */
import { type BrowserContext, type Locator, type Page, type WebSocketRoute } from '@playwright/test';
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

/** The event name of a client frame `42["event",…]` or `42<ackId>["event",…]`. */
function clientEventName(frame: string | Buffer): string | null {
  return typeof frame === 'string' ? (/^42\d*\["([^"]+)"/.exec(frame)?.[1] ?? null) : null;
}

/**
 * Control over the page's realtime WebSocket, for the outbox and receipt specs. Must be installed before the page
 * opens its socket; it stays in force across reloads of the page.
 * - `hold(event)` keeps the page's outgoing frames of that client event from the server until `release(event)`
 *   (say `receipt:update`, to see a tick before the recipient's report lands);
 * - `cutOff()` makes the realtime server unreachable: the page's socket is closed (the server sees it go), and on
 *   every reconnect nothing the page sends at the Socket.IO level (its CONNECT first) reaches the server, so the page
 *   stays "connecting" and sends nothing; `restore()` lets the held frames through and it connects at once.
 *   Unlike `context.setOffline`, whose held frames may still arrive later, nothing of the page reaches the server
 *   meanwhile, and pages still load. (A WebSocket closed before its handshake would leave Socket.IO waiting out its
 *   20 s connect timeout before the next try; holding the handshake avoids that.)
 * - `connections()` counts Socket.IO CONNECT packets that reached the server.
 */
export async function controlRealtime(page: Page) {
  const heldEvents = new Set<string>();
  const queue: Array<{ event: string; send: () => void }> = [];
  type Link = { page: WebSocketRoute; server: WebSocketRoute; held: Array<string | Buffer> };
  const links = new Set<Link>();
  let unreachable = false;
  let connections = 0;
  /** Engine.IO message packets ('4…') carry Socket.IO; pings and pongs ('2', '3') keep the transport itself alive. */
  const isSocketIo = (frame: string | Buffer) => typeof frame === 'string' && frame.startsWith('4');
  const forward = (link: Link, frame: string | Buffer) => {
    if (typeof frame === 'string' && frame.startsWith('40')) connections += 1;
    link.server.send(frame);
  };

  // Socket.IO's long-polling fallback goes over plain HTTP: unreachable too.
  await page.route(/\/socket\.io\//, (route) => (unreachable ? route.abort('connectionrefused') : route.fallback()));
  await page.routeWebSocket(/\/socket\.io\//, (route) => {
    const link: Link = { page: route, server: route.connectToServer(), held: [] };
    links.add(link);
    route.onClose(() => {
      links.delete(link);
      void link.server.close().catch(() => {});
    });
    link.server.onClose(() => {
      links.delete(link);
      void route.close().catch(() => {});
    });
    route.onMessage((frame) => {
      if (unreachable && isSocketIo(frame)) return void link.held.push(frame);
      const event = clientEventName(frame);
      if (event && heldEvents.has(event)) queue.push({ event, send: () => forward(link, frame) });
      else forward(link, frame);
    });
  });
  return {
    hold: (event: string) => void heldEvents.add(event),
    release(event: string) {
      heldEvents.delete(event);
      for (const item of queue.filter((entry) => entry.event === event)) {
        queue.splice(queue.indexOf(item), 1);
        item.send();
      }
    },
    /** Frames of `event` held so far (not yet released). */
    heldCount: (event: string) => queue.filter((entry) => entry.event === event).length,
    async cutOff() {
      unreachable = true;
      await Promise.all([...links].map((link) => link.page.close({ code: 1011, reason: 'unreachable' }).catch(() => {})));
    },
    restore() {
      unreachable = false;
      for (const link of links) for (const frame of link.held.splice(0)) forward(link, frame);
    },
    connections: () => connections,
  };
}

export type RecordedNotification = { title: string; body: string | undefined; tag: string | undefined };

/**
 * Records every system notification the page shows, wrapping the real `Notification` (still shown; permission
 * still the browser's). Grant it first with `context.grantPermissions(['notifications'])`. Before the page loads.
 */
export async function recordNotifications(page: Page) {
  await page.addInitScript(() => {
    const Real = window.Notification;
    if (!Real) return;
    const shown: Array<{ title: string; body?: string; tag?: string; notification: Notification }> = [];
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body, tag: options?.tag, notification: this });
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
    (window as unknown as { parleyNotifications: typeof shown }).parleyNotifications = shown;
  });
  return {
    async list(): Promise<RecordedNotification[]> {
      return page.evaluate(() =>
        ((window as unknown as { parleyNotifications?: Array<{ title: string; body?: string; tag?: string }> }).parleyNotifications ?? []).map(
          ({ title, body, tag }) => ({ title, body, tag }),
        ),
      );
    },
    /** Clicks the `index`th notification shown, as the person would in the system tray. */
    async click(index: number) {
      await page.evaluate((i) => {
        const { notification } = (window as unknown as { parleyNotifications: Array<{ notification: Notification }> }).parleyNotifications[i]!;
        notification.onclick?.call(notification, new Event('click'));
      }, index);
    },
  };
}

export type StoredOutboxEntry = { clientId: string; userId: string; chatId: string; body: string; createdAt: string; status: string };

/** The page's outbox as stored in IndexedDB ('parley' database, 'outbox' store), oldest first. */
export async function readOutbox(page: Page): Promise<StoredOutboxEntry[]> {
  return page.evaluate(
    () =>
      new Promise<StoredOutboxEntry[]>((resolve, reject) => {
        // Opening a database that does not exist would create it without the app's store: look first.
        void indexedDB.databases().then((databases) => {
          if (!databases.some((database) => database.name === 'parley')) return resolve([]);
          const request = indexedDB.open('parley');
          request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('outbox')) {
            db.close();
            return resolve([]);
          }
          const all = db.transaction('outbox', 'readonly').objectStore('outbox').getAll();
          all.onsuccess = () => {
            db.close();
            resolve((all.result as StoredOutboxEntry[]).sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
          };
          all.onerror = () => reject(all.error);
          };
        }, reject);
      }),
  );
}
