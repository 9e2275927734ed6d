/**
 * Issue 3: "a non-member joining, reading (page, API, socket) or sending gets not-found and learns nothing".
 * Socket events and the history route answer a chat one is not in exactly as a chat that does not exist.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listMessagesAfter } from '@/db/queries/messages';
import { insertMessage } from '@/db/queries/message-insert';
import { toUserDTO } from '@/db/queries/users';
import type { UserDTO } from '@/lib/realtime/events';
import {
  closeTestServices,
  connectAs,
  emitRaw,
  makeChat,
  makeUser,
  nextEvent,
  recordMessages,
  sendMessage,
  startRealtimeServer,
  type TestRealtimeServer,
} from '@/lib/testing/harness';
import { startRealtimeProcess, type RealtimeProcess } from '@/lib/testing/second-process';

// The route reads the session through Auth.js, which needs a Next request; the route's own logic is under test.
const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const { GET } = await import('@/app/api/chats/[chatId]/messages/route');

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

/** A chat with three messages, and a signed-in user who is not in it. */
async function secretChatAndStranger() {
  const { a, b, chatId } = await makeChat();
  for (const body of ['one', 'two', 'three']) await insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body });
  return { a, b, chatId, stranger: await makeUser() };
}

async function getHistory(chatId: string, before = '100') {
  const response = await GET(new Request(`http://localhost/api/chats/${chatId}/messages?before=${before}`), { params: Promise.resolve({ chatId }) });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('a non-member on the socket', () => {
  it('hears exactly what it hears for a random uuid, for join, sync and send, and nothing is stored', async () => {
    const { chatId, stranger } = await secretChatAndStranger();
    const socket = await server.connect(stranger);
    const ask = (id: string) =>
      Promise.all([
        emitRaw(socket, 'chat:join', { chatId: id }),
        emitRaw(socket, 'message:sync', { chatId: id, afterSeq: 0 }),
        emitRaw(socket, 'message:send', { chatId: id, clientId: randomUUID(), body: 'let me in' }),
      ]);

    const [real, random] = await Promise.all([ask(chatId), ask(randomUUID())]);

    expect(real).toEqual([0, 1, 2].map(() => ({ ok: false, error: 'not_found' })));
    expect(real).toEqual(random);
    expect((await listMessagesAfter({ chatId, afterSeq: 0, limit: 10 })).map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });
});

describe('a non-member on the history route', () => {
  it('gets 404 not_found, the same as for a chat that does not exist or a malformed id', async () => {
    const { chatId, stranger } = await secretChatAndStranger();
    session.user = toUserDTO(stranger);

    const real = await getHistory(chatId);
    expect(real).toEqual({ status: 404, body: { ok: false, error: 'not_found' } });
    expect(await getHistory(randomUUID())).toEqual(real);
    expect(await getHistory('not-a-uuid')).toEqual(real);
  });

  it('while a member reads the page, and a signed-out request gets 401', async () => {
    const { a, chatId } = await secretChatAndStranger();
    session.user = toUserDTO(a);
    expect(await getHistory(chatId)).toMatchObject({ status: 200, body: { ok: true, data: { hasMore: false } } });

    session.user = null;
    expect(await getHistory(chatId)).toEqual({ status: 401, body: { ok: false, error: 'unauthorized' } });
  });
});

describe.skipIf(!process.env.REDIS_URL)('a non-member on another instance (needs REDIS_URL)', () => {
  let remote: RealtimeProcess;

  beforeAll(async () => {
    remote = await startRealtimeProcess();
  });

  afterAll(async () => {
    await remote?.stop();
  });

  it('never receives the chat’s message:new, even after trying to join it there', async () => {
    const { a, b, chatId, stranger } = await secretChatAndStranger();
    const [sender, member, strangerSocket] = await Promise.all([server.connect(a), connectAs(remote.url, b), connectAs(remote.url, stranger)]);
    const heard = recordMessages(strangerSocket);
    expect(await emitRaw(strangerSocket, 'chat:join', { chatId })).toEqual({ ok: false, error: 'not_found' });

    // The member on the stranger's instance gets it, in the same local broadcast the stranger would be in: a barrier.
    const delivered = nextEvent(member, 'message:new', (m) => m.body === 'not for you');
    expect(await sendMessage(sender, { chatId, body: 'not for you' })).toMatchObject({ ok: true });
    await delivered;

    expect(heard).toEqual([]);
  });
});
