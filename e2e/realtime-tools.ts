/**
 * Tools for the fault and security specs: the page's connection status, the realtime socket from Node
 * (with a browser's session cookie), and a man in the middle on the page's own WebSocket.
 */
import { type BrowserContext, type Locator, type Page } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MessageDTO, ServerToClientEvents } from '../lib/realtime/events';

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
