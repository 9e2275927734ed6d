import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeTestServices,
  joinChat,
  makeChat,
  makeUser,
  nextEvent,
  recordEvents,
  startRealtimeServer,
  type TestRealtimeServer,
  waitFor,
  type TestSocket,
} from '@/lib/testing/harness';
import { installQueryLog, type QueryLog } from '@/lib/testing/query-log';

let server: TestRealtimeServer;
let queries: QueryLog;
const announces = () => queries.statements.filter((statement) => statement.startsWith('select distinct')).length;

beforeAll(async () => {
  queries = installQueryLog();
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

/**
 * Socket.IO handles one socket's packets in order and the typing handlers are synchronous: once an ack for a later
 * packet of the same socket comes back, every earlier typing event of that socket has been relayed (or dropped).
 */
async function processed(socket: TestSocket) {
  await joinChat(socket, randomUUID());
}

describe('typing:start / typing:stop', () => {
  it('reach the other member as typing:update, never a non-member', async () => {
    const { a, b, chatId } = await makeChat();
    const [typist, reader, outsider] = await Promise.all([server.connect(a), server.connect(b), server.connect(await makeUser())]);
    const heardByOutsider = recordEvents(outsider, 'typing:update');
    const heardByTypist = recordEvents(typist, 'typing:update');

    const started = nextEvent(reader, 'typing:update', (u) => u.chatId === chatId && u.typing);
    typist.emit('typing:start', { chatId });
    expect(await started).toEqual({ chatId, userId: a.id, typing: true });

    const stopped = nextEvent(reader, 'typing:update', (u) => u.chatId === chatId && !u.typing);
    typist.emit('typing:stop', { chatId });
    expect(await stopped).toEqual({ chatId, userId: a.id, typing: false });

    // Relayed to the room at the moment the reader got them: the outsider would have heard them by now.
    expect(heardByOutsider).toEqual([]);
    expect(heardByTypist, 'not echoed to the socket that typed').toEqual([]);
  });

  it('are ignored for a chat the socket is not in, and for payloads that are not a chat id', async () => {
    const { a, b, chatId } = await makeChat();
    const [member, reader, intruder] = await Promise.all([server.connect(a), server.connect(b), server.connect(await makeUser())]);
    const heard = recordEvents(reader, 'typing:update');

    intruder.emit('typing:start', { chatId });
    (intruder as unknown as { emit: (event: string, payload: unknown) => void }).emit('typing:start', { chatId: 'not-a-uuid' });
    (member as unknown as { emit: (event: string, payload: unknown) => void }).emit('typing:start', undefined);
    await Promise.all([processed(intruder), processed(member)]);

    const genuine = nextEvent(reader, 'typing:update', (u) => u.userId === a.id);
    member.emit('typing:start', { chatId });
    await genuine;
    expect(heard).toEqual([{ chatId, userId: a.id, typing: true }]);
    expect(intruder.connected && member.connected).toBe(true);
  });

  it('a socket that did not join the chat cannot type in it even though its user is a member of another chat', async () => {
    const first = await makeChat();
    const second = await makeChat();
    const socket = await server.connect(first.a);
    const reader = await server.connect(second.b);
    const heard = recordEvents(reader, 'typing:update');
    socket.emit('typing:start', { chatId: second.chatId });
    await processed(socket);
    // The reader's own chat partner types: the only thing the reader hears.
    const partner = await server.connect(second.a);
    const genuine = nextEvent(reader, 'typing:update');
    partner.emit('typing:start', { chatId: second.chatId });
    await genuine;
    expect(heard.map((u) => u.userId)).toEqual([second.a.id]);
  });

  it('closing the typing socket tells the other member typing:false at once', async () => {
    const { a, b, chatId } = await makeChat();
    const [typist, reader] = await Promise.all([server.connect(a), server.connect(b)]);
    const started = nextEvent(reader, 'typing:update', (u) => u.typing);
    typist.emit('typing:start', { chatId });
    await started;

    const stopped = nextEvent(reader, 'typing:update', (u) => !u.typing);
    typist.disconnect();
    expect(await stopped).toEqual({ chatId, userId: a.id, typing: false });
  });

  it('a socket that already stopped typing says nothing more when it closes', async () => {
    const { a, b, chatId } = await makeChat();
    const [typist, reader] = await Promise.all([server.connect(a), server.connect(b)]);
    const heard = recordEvents(reader, 'typing:update');
    typist.emit('typing:start', { chatId });
    typist.emit('typing:stop', { chatId });
    await processed(typist);
    typist.disconnect();
    // A later event from another socket of A, to know the close was handled before looking.
    const otherTab = await server.connect(a);
    const later = nextEvent(reader, 'typing:update', (u) => u.typing && heard.length >= 3);
    otherTab.emit('typing:start', { chatId });
    await later;
    expect(heard.map((u) => u.typing)).toEqual([true, false, true]);
  });

  it('cost no database statement: not stored, authorized by the socket’s rooms', async () => {
    const { a, b, chatId } = await makeChat();
    const announcesBefore = announces();
    const typist = await server.connect(a);
    const reader = await server.connect(b);
    // Each connect announces presence (one listContacts query each): let both finish before counting.
    await waitFor(async () => (announces() - announcesBefore >= 2 ? true : undefined), 'both presence announcements');

    const window = queries.mark();
    const all = new Promise<void>((resolve) => {
      let count = 0;
      reader.on('typing:update', () => ++count === 40 && resolve());
    });
    for (let i = 0; i < 20; i++) {
      typist.emit('typing:start', { chatId });
      typist.emit('typing:stop', { chatId });
    }
    await all;
    expect(window.list()).toEqual([]);
  });
});
