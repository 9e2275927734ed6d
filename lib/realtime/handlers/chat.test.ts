import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrCreateDirectChat } from '@/db/queries/chats';
import { insertMessage } from '@/db/queries/messages';
import {
  closeTestServices,
  emitRaw,
  joinChat,
  makeChat,
  makeUser,
  nextEvent,
  sendMessage,
  startRealtimeServer,
  type TestRealtimeServer,
} from '@/lib/testing/harness';

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

describe('chat:join', () => {
  it('acks {ok:true,data:{lastSeq}} for a member', async () => {
    const { a, chatId } = await makeChat();
    await insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: 'one' });
    await insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: 'two' });
    const socket = await server.connect(a);

    expect(await joinChat(socket, chatId)).toEqual({ ok: true, data: { lastSeq: 2 } });
  });

  it.each([
    ['no payload', undefined],
    ['a chatId that is not a uuid', { chatId: 'general' }],
    ['a chatId of the wrong type', { chatId: 7 }],
  ])('answers invalid_input for %s', async (_case, payload) => {
    const socket = await server.connect(await makeUser());
    expect(await emitRaw(socket, 'chat:join', payload)).toEqual({ ok: false, error: 'invalid_input' });
  });

  it('answers not_found to a non-member, exactly as for a chat that does not exist', async () => {
    const { chatId } = await makeChat();
    const socket = await server.connect(await makeUser());

    const notMine = await joinChat(socket, chatId);
    const missing = await joinChat(socket, randomUUID());

    expect(notMine).toEqual({ ok: false, error: 'not_found' });
    expect(missing).toEqual(notMine);
  });

  it('subscribes a socket that connected before the chat existed', async () => {
    const [a, b] = await Promise.all([makeUser(), makeUser()]);
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const { chatId } = await getOrCreateDirectChat({ userId: a.id, peerId: b.id });

    expect(await joinChat(socketA, chatId)).toEqual({ ok: true, data: { lastSeq: 0 } });
    expect(await joinChat(socketB, chatId)).toEqual({ ok: true, data: { lastSeq: 0 } });
    const received = nextEvent(socketB, 'message:new', (m) => m.chatId === chatId);
    const ack = await sendMessage(socketA, { chatId, body: 'first' });

    expect(await received).toEqual(ack.ok && ack.data);
  });
});
