/**
 * Issue 5 review: a member added to a group later reads nothing from before their window, on any path: not an
 * edited or reacted older message broadcast to the room, not the text of an older message quoted by a reply
 * (live, sync, history, recent messages). And a current member's reads stop at the chat's end as they read it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getMembership } from '@/db/queries/chats';
import type { MessageDTO, UserDTO } from '@/lib/realtime/events';
import { getVisibleRecentMessages } from '@/lib/cache/recent-messages';
import { toUserDTO } from '@/db/queries/users';
import {
  closeTestServices,
  emitRaw,
  nextEvent,
  recordEvents,
  sendMessage,
  startRealtimeServer,
  syncMessages,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';
import { ask, data, makeGroup, startWindowAfter } from './message-test-kit';

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

/** An acked round trip on `socket`: anything the server wrote to it before is delivered by the time this resolves. */
const flushed = (socket: TestSocket) => emitRaw(socket, 'chat:join', { chatId: randomUUID() });

async function history(user: UserDTO, chatId: string): Promise<MessageDTO[]> {
  session.user = user;
  const response = await GET(new Request(`http://localhost/api/chats/${chatId}/messages?before=1000`), { params: Promise.resolve({ chatId }) });
  const body = (await response.json()) as { ok: boolean; data: { messages: MessageDTO[] } };
  return body.data.messages;
}

describe('a late joiner', () => {
  it('hears no change to a message before their window, and replies to one come without the quote everywhere', async () => {
    const { users, chatId } = await makeGroup(3);
    const [ann, ben, cat] = users as [NonNullable<(typeof users)[0]>, NonNullable<(typeof users)[0]>, NonNullable<(typeof users)[0]>];
    const [socketAnn, socketBen, socketCat] = await Promise.all([server.connect(ann), server.connect(ben), server.connect(cat)]);
    const secret = data(await sendMessage(socketAnn, { chatId, body: 'before cat joined' }));
    // Cat was added after the secret.
    await startWindowAfter(chatId, cat.id, secret.seq);
    const catHeard = recordEvents(socketCat, 'message:updated', (message) => message.chatId === chatId);
    const catNew = recordEvents(socketCat, 'message:new', (message) => message.chatId === chatId);

    // A reply quoting the secret: Ben gets the quote, Cat the reply without it.
    const benGetsReply = nextEvent(socketBen, 'message:new', (message) => message.chatId === chatId && message.replyTo !== null);
    const reply = data(await ask.send(socketAnn, { chatId, body: 'about that', replyToId: secret.id }));
    expect(reply.replyTo?.snippet).toBe('before cat joined');
    expect((await benGetsReply).replyTo?.snippet).toBe('before cat joined');

    // Edited and reacted: Ben hears both, Cat neither.
    const benHearsEdit = nextEvent(socketBen, 'message:updated', (message) => message.id === secret.id && message.body === 'edited secret');
    data(await ask.edit(socketAnn, { chatId, messageId: secret.id, body: 'edited secret' }));
    await benHearsEdit;
    data(await ask.react(socketBen, { chatId, messageId: secret.id, emoji: '👍' }));
    // A reaction to the reply (which Cat reads) reaches Cat, again without the quote; the reactor's ack keeps it.
    const catReacted = data(await ask.react(socketCat, { chatId, messageId: reply.id, emoji: '🎉' }));
    expect(catReacted.replyTo).toBeNull();
    data(await ask.react(socketBen, { chatId, messageId: reply.id, emoji: '👍' }));
    await flushed(socketCat);

    expect(catNew.map((message) => ({ id: message.id, replyTo: message.replyTo }))).toEqual([{ id: reply.id, replyTo: null }]);
    expect(catHeard.map((message) => message.id)).toEqual([reply.id, reply.id]);
    expect(catHeard.every((message) => message.replyTo === null)).toBe(true);
    expect(JSON.stringify([...catNew, ...catHeard])).not.toContain('secret');

    // Sync, history and the recent messages say the same; Ben's keep the quote.
    const synced = data(await syncMessages(socketCat, { chatId, afterSeq: 0 })).messages;
    const catMembership = (await getMembership({ chatId, userId: cat.id }))!;
    const benMembership = (await getMembership({ chatId, userId: ben.id }))!;
    for (const messages of [synced, await history(toUserDTO(cat), chatId), await getVisibleRecentMessages({ chatId, membership: catMembership })]) {
      expect(messages.map((message) => [message.id, message.replyTo])).toEqual([[reply.id, null]]);
    }
    const benRecent = await getVisibleRecentMessages({ chatId, membership: benMembership });
    expect(benRecent.find((message) => message.id === reply.id)?.replyTo?.snippet).toBe('edited secret');
    expect((await history(toUserDTO(ben), chatId)).find((message) => message.id === reply.id)?.replyTo?.snippet).toBe('edited secret');
  });
});

describe('a current member', () => {
  it('reads recent messages up to the chat end as their membership read it, even if the cached tail is newer', async () => {
    const { users, chatId } = await makeGroup(2);
    const [ann, ben] = users as [NonNullable<(typeof users)[0]>, NonNullable<(typeof users)[0]>];
    const socketAnn = await server.connect(ann);
    data(await sendMessage(socketAnn, { chatId, body: 'one' }));
    const membership = (await getMembership({ chatId, userId: ben.id }))!;
    // Sent after Ben's membership was read (for all this read knows, after his removal): cached, not his.
    data(await sendMessage(socketAnn, { chatId, body: 'two' }));

    const recent = await getVisibleRecentMessages({ chatId, membership });
    expect(recent.map((message) => message.body)).toEqual(['one']);
  });
});
