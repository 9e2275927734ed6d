import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrCreateDirectChat } from '@/db/queries/chats';
import { insertMessage } from '@/db/queries/message-insert';
import { createGroupChat, removeFromGroup } from '@/lib/groups';
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

describe('chat:open', () => {
  const open = (socket: Awaited<ReturnType<TestRealtimeServer['connect']>>, chatId: string) => emitRaw(socket, 'chat:open', { chatId });

  it('answers the newest 25 messages oldest first, from the cache and from Postgres alike', async () => {
    const { a, b, chatId } = await makeChat();
    for (let i = 1; i <= 30; i++) await insertMessage({ chatId, senderId: i % 2 ? a.id : b.id, clientId: randomUUID(), body: `m${i}` });
    const socket = await server.connect(b);

    const cold = await open(socket, chatId);
    const warm = await open(socket, chatId);

    expect(cold).toMatchObject({ ok: true, data: { lastSeq: 30 } });
    const bodies = (cold as { data: { messages: { body: string }[] } }).data.messages.map((m) => m.body);
    expect(bodies).toEqual(Array.from({ length: 25 }, (_, i) => `m${i + 6}`));
    expect(warm).toEqual(cold);
  });

  it('answers not_found to a non-member, exactly as for a chat that does not exist, and invalid_input to a bad id', async () => {
    const { a, chatId } = await makeChat();
    await insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: 'private' });
    const socket = await server.connect(await makeUser());

    expect(await open(socket, chatId)).toEqual({ ok: false, error: 'not_found' });
    expect(await open(socket, randomUUID())).toEqual({ ok: false, error: 'not_found' });
    expect(await emitRaw(socket, 'chat:open', { chatId: 'general' })).toEqual({ ok: false, error: 'invalid_input' });
  });

  it('gives a removed member their window only: nothing sent after the removal', async () => {
    const [admin, bo, cy] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const created = await createGroupChat({ creatorId: admin.id, title: 'Window', memberIds: [bo.id, cy.id] });
    if (!created.ok) throw new Error(created.error);
    const { chatId } = created.data;
    await insertMessage({ chatId, senderId: admin.id, clientId: randomUUID(), body: 'before' });
    await removeFromGroup({ chatId, actorId: admin.id, userId: cy.id });
    await insertMessage({ chatId, senderId: admin.id, clientId: randomUUID(), body: 'after' });
    const socket = await server.connect(cy);

    const result = (await open(socket, chatId)) as { ok: true; data: { lastSeq: number; messages: { body: string; kind: string }[] } };

    const texts = result.data.messages.filter((m) => m.kind === 'text').map((m) => m.body);
    expect(texts).toEqual(['before']);
    expect(result.data.messages.at(-1)!.kind).toBe('system');
  });
});
