/**
 * A real chat to audit, made the way people make one: two accounts registered through /register in Chromium,
 * the first finds the second by name and opens their chat (the app's server actions), then both send messages
 * over Socket.IO with their own session cookies (the path the composer uses, without typing 30 times).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { io } from 'socket.io-client';

const STEP_MS = 20_000;

const LINES = [
  'Are we still on for Thursday?',
  'Yes! 7pm at the usual place.',
  'Great. Can you bring the slides from last week?',
  'Sure, I will send them over tonight so you can have a look first.',
  'Perfect, thanks.',
  'By the way, did you see the new release notes?',
  'Not yet. Anything interesting?',
  'Offline reading and push notifications, finally.',
];

function newPerson(name) {
  const tag = randomBytes(3).toString('hex');
  return { username: `lh_${name}_${tag}`, displayName: `${name[0].toUpperCase()}${name.slice(1)} ${tag}`, password: `pw-${randomBytes(8).toString('hex')}` };
}

async function register(browser, baseURL, person) {
  const context = await browser.newContext({ baseURL });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  await page.goto('/register');
  await page.getByLabel('Username', { exact: true }).fill(person.username);
  await page.getByLabel('Display name', { exact: true }).fill(person.displayName);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('current-user').filter({ hasText: person.displayName }).waitFor();
  return { context, page };
}

function sessionCookieOf(cookies) {
  const cookie = cookies.find((c) => c.name.includes('authjs.session-token'));
  if (!cookie) throw new Error('no session cookie after registering');
  return cookie;
}

async function openSocket(baseURL, cookie) {
  const socket = io(baseURL, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  try {
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  } catch (error) {
    socket.disconnect();
    throw error;
  }
}

async function send(socket, chatId, body) {
  const result = await socket.timeout(5000).emitWithAck('message:send', { chatId, clientId: randomUUID(), body });
  if (!result.ok) throw new Error(`message:send failed: ${result.error}`);
}

/**
 * Returns the chat's id, the first person's session cookie (as Playwright reports it, for CDP) and the count sent.
 * `messages` alternate between the two people in rounds of two, so the page shows both sides and grouping.
 */
export async function seedChat({ baseURL, chromePath, messages = 30 }) {
  const browser = await chromium.launch({ executablePath: chromePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'] });
  try {
    const alice = newPerson('alice');
    const bob = newPerson('bob');
    const a = await register(browser, baseURL, alice);
    const b = await register(browser, baseURL, bob);

    await a.page.getByRole('searchbox', { name: 'Search people' }).fill(bob.displayName.split(' ')[1]);
    await a.page.getByRole('list', { name: 'People found' }).getByRole('button', { name: bob.displayName }).click();
    await a.page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    const chatId = new URL(a.page.url()).pathname.split('/').at(-1);

    const aliceCookie = sessionCookieOf(await a.context.cookies());
    const bobCookie = sessionCookieOf(await b.context.cookies());
    const header = (c) => `${c.name}=${c.value}`;
    const sockets = [];
    try {
      sockets.push(await openSocket(baseURL, header(aliceCookie)), await openSocket(baseURL, header(bobCookie)));
      // One at a time, each acknowledged: numbered in the order given.
      for (let i = 0; i < messages; i++) await send(sockets[Math.floor(i / 2) % 2], chatId, LINES[i % LINES.length]);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
    return { chatId, cookie: aliceCookie, sent: messages };
  } finally {
    await browser.close();
  }
}
