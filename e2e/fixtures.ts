import { randomBytes, randomUUID } from 'node:crypto';
import { test as base, expect, type BrowserContext, type BrowserContextOptions, type Dialog, type Page, type WebSocket } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/realtime/events';
import { LoginPage, RegisterPage, type Credentials } from './pages/auth-pages';
import { ChatApp, ChatRoom } from './pages/chat-pages';

export { expect };
export type { Credentials };
export type NewCredentials = Credentials & { searchTerm: string };

/** Short, lowercase and unique per call across runs and retries: usernames allow 3–32 of [a-z0-9_]. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * A username, a display name with a tag of its own, and `searchTerm`: a piece of the display name that
 * is not in the username, so finding someone by it proves the search looks at display names.
 */
export function newCredentials(name: string, overrides: Partial<NewCredentials> = {}): NewCredentials {
  const tag = randomBytes(4).toString('hex');
  const displayName = `${name} ${tag}`;
  return {
    username: `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}_${uniqueSuffix()}`,
    displayName,
    password: `pw-${randomBytes(6).toString('hex')}`,
    // e.g. "LICE 1A2B" for "Alice 1a2bc3d4": spans the space and differs in case, to match like a person types.
    searchTerm: `${name.slice(1)} ${tag.slice(0, 4)}`.toUpperCase(),
    ...overrides,
  };
}

/**
 * Whether the page's Socket.IO connection is up, read from its WebSocket frames: the server answers the
 * client's CONNECT with a `40{...}` frame. The home screen shows no connection status, so this is how a test
 * knows the page will hear live events (see the report: a `data-connection` hook would be simpler).
 */
export class RealtimeProbe {
  private connected = false;

  constructor(page: Page) {
    let latest: WebSocket | undefined;
    page.on('websocket', (socket) => {
      if (!socket.url().includes('/socket.io/')) return;
      // Only the newest socket counts: the one of a page being left may report its close late.
      latest = socket;
      this.connected = false;
      socket.on('framereceived', ({ payload }) => {
        if (socket === latest && typeof payload === 'string' && payload.startsWith('40')) this.connected = true;
      });
      socket.on('close', () => {
        if (socket === latest) this.connected = false;
      });
    });
  }

  async waitUntilConnected() {
    await expect.poll(() => this.connected, { message: 'the page connects its realtime socket' }).toBe(true);
  }
}

/**
 * Holds the page's outgoing `message:send` frames while `hold()` is on, so a test can see a message in its
 * pending state before the server acknowledges it. Must be installed before the page opens its socket.
 */
export async function interceptMessageSends(page: Page) {
  let holding = false;
  const held: Array<() => void> = [];
  await page.routeWebSocket(/\/socket\.io\//, (route) => {
    const server = route.connectToServer();
    route.onMessage((frame) => {
      if (holding && typeof frame === 'string' && frame.includes('"message:send"')) held.push(() => server.send(frame));
      else server.send(frame);
    });
  });
  return {
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

/** Keeps the page's Socket.IO connection from reaching the server until `release()`: a slow network, on demand. */
export async function delayRealtime(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.routeWebSocket(/\/socket\.io\//, async (route) => {
    await released;
    route.connectToServer();
  });
  return { release };
}

/** Collects every alert/confirm/prompt the page opens (and dismisses it), for tests that must see none. */
export function collectDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (dialog: Dialog) => {
    seen.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  return seen;
}

/** The chat id from a /c/<chatId> URL. */
export function chatIdOf(page: Page): string {
  const match = /\/c\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`not on a chat page: ${page.url()}`);
  return match[1];
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** One person: a browser context of their own (cookies, socket), their page and their credentials. */
export class Person {
  readonly app: ChatApp;
  readonly realtime: RealtimeProbe;

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly credentials: NewCredentials,
    private readonly baseURL: string,
  ) {
    this.app = new ChatApp(page);
    this.realtime = new RealtimeProbe(page);
  }

  get username() {
    return this.credentials.username;
  }

  get displayName() {
    return this.credentials.displayName;
  }

  get searchTerm() {
    return this.credentials.searchTerm;
  }

  /** The conversation with `peer` as this person's page shows it. */
  roomWith(peer: Person | string): ChatRoom {
    return new ChatRoom(this.page, typeof peer === 'string' ? peer : peer.displayName);
  }

  /** Creates the account through /register and waits for the signed-in home screen. */
  async register() {
    const form = new RegisterPage(this.page);
    await form.goto();
    await form.register(this.credentials);
    await expect(this.page).toHaveURL('/');
    await expect(this.app.currentUser).toHaveText(this.displayName);
  }

  async signIn() {
    await new LoginPage(this.page).signIn(this.credentials);
  }

  /**
   * Sends messages as this person straight through Socket.IO with the browser's session cookie,
   * one at a time and each acknowledged: fast, and numbered in the order given.
   */
  async sendMessagesViaSocket(chatId: string, bodies: string[]) {
    const cookies = await this.context.cookies(this.baseURL);
    const cookie = cookies
      .filter((c) => c.name.startsWith('authjs.session-token'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    if (!cookie) throw new Error(`${this.username} has no session cookie`);
    const socket: ClientSocket = io(this.baseURL, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      for (const body of bodies) {
        const result = await socket.timeout(5000).emitWithAck('message:send', { chatId, clientId: randomUUID(), body });
        if (!result.ok) throw new Error(`message:send failed: ${result.error}`);
      }
    } finally {
      socket.disconnect();
    }
  }
}

type People = {
  /** A new person in a fresh browser context, not yet registered. */
  create(name: string, overrides?: Partial<NewCredentials>): Promise<Person>;
  /** A new person, registered through the UI and signed in on the home screen. */
  signUp(name: string, overrides?: Partial<NewCredentials>): Promise<Person>;
};

export const test = base.extend<{ people: People }>({
  people: async ({ browser, baseURL, viewport, isMobile, hasTouch, userAgent, deviceScaleFactor, locale, timezoneId }, provide) => {
    if (!baseURL) throw new Error('baseURL is not configured');
    // The test's own device settings (desktop, or the phone of mobile.spec.ts) apply to every person.
    const options: BrowserContextOptions = { baseURL, viewport, isMobile, hasTouch, userAgent, deviceScaleFactor, locale, timezoneId };
    const contexts: BrowserContext[] = [];
    const create = async (name: string, overrides: Partial<NewCredentials> = {}) => {
      const context = await browser.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      return new Person(context, page, newCredentials(name, overrides), baseURL);
    };
    const signUp = async (name: string, overrides: Partial<NewCredentials> = {}) => {
      const person = await create(name, overrides);
      await person.register();
      return person;
    };
    await provide({ create, signUp });
    await Promise.all(contexts.map((context) => context.close()));
  },
});
