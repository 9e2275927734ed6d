/** Issue 3, "the same client id sent 5 times concurrently and after a dropped ack: one row, one message". */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { messages } from '@/db/schema';
import type { Result } from '@/lib/errors';
import type { MessageDTO } from '@/lib/realtime/events';
import {
  closeTestServices,
  makeChat,
  nextEvent,
  recordMessages,
  sendMessage,
  startRealtimeServer,
  waitFor,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

/** Loses the first ack for `clientId`: after the handler has run, the server closes the transport instead of answering. */
function dropFirstAck(clientId: string) {
  let dropped = false;
  server.io.on('connection', (socket) => {
    socket.use((event, next) => {
      const [name, payload] = event as [string, { clientId?: string } | undefined];
      if (!dropped && name === 'message:send' && payload?.clientId === clientId && typeof event.at(-1) === 'function') {
        dropped = true;
        event[event.length - 1] = () => socket.conn.close();
      }
      next();
    });
  });
}

async function storedWith(input: { chatId: string; clientId: string }) {
  return getDb()
    .select()
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), eq(messages.clientId, input.clientId)));
}

/** Everything `receiver` heard for the chat, once a later message from `sender` has arrived (a barrier, not a sleep). */
async function heardAfterBarrier(sender: TestSocket, receiver: TestSocket, heard: MessageDTO[], chatId: string) {
  const barrier = randomUUID();
  const arrived = nextEvent(receiver, 'message:new', (m) => m.clientId === barrier);
  expect(await sendMessage(sender, { chatId, clientId: barrier, body: 'barrier' })).toMatchObject({ ok: true });
  await arrived;
  return heard.filter((m) => m.chatId === chatId && m.clientId !== barrier);
}

describe('one clientId under duress', () => {
  it('sent 5 times at once from 5 tabs: one row, five identical acks, one message:new for the other member', async () => {
    const { a, b, chatId } = await makeChat();
    const tabs = await Promise.all(Array.from({ length: 5 }, () => server.connect(a)));
    const receiver = await server.connect(b);
    const heard = recordMessages(receiver);
    const clientId = randomUUID();

    const acks: Result<MessageDTO>[] = await Promise.all(tabs.map((tab) => sendMessage(tab, { chatId, clientId, body: 'five times' })));

    const rows = await storedWith({ chatId, clientId });
    expect(rows).toHaveLength(1);
    expect(acks[0]).toMatchObject({ ok: true, data: { id: rows[0]!.id, seq: 1, clientId } });
    for (const ack of acks) expect(ack).toEqual(acks[0]);
    expect((await heardAfterBarrier(tabs[0]!, receiver, heard, chatId)).map((m) => m.id)).toEqual([rows[0]!.id]);
  });

  it('resent after its ack was lost to a disconnect: one row, the stored message acked, one message:new', async () => {
    const { a, b, chatId } = await makeChat();
    const payload = { chatId, clientId: randomUUID(), body: 'ack lost' };
    dropFirstAck(payload.clientId);
    const sender = await server.connect(a);
    const receiver = await server.connect(b);
    const heard = recordMessages(receiver);

    // The server stores the message, then the connection drops before the ack gets out: the test swaps that one
    // ack for closing the transport. (A client-side disconnect right after emitting would make the server
    // ignore the packet instead: it drops events that arrive with a disconnect.)
    let acked = false;
    const disconnected = new Promise<string>((resolve) => sender.once('disconnect', resolve));
    sender.emit('message:send', payload, () => (acked = true));
    expect(await disconnected).toBe('transport close');
    const [stored] = await waitFor(async () => {
      const rows = await storedWith(payload);
      return rows.length > 0 ? rows : undefined;
    }, 'the send whose ack was lost to be stored');

    sender.connect();
    await new Promise<void>((resolve, reject) => {
      sender.once('connect', resolve);
      sender.once('connect_error', reject);
    });
    const resent = await sendMessage(sender, payload);

    expect(acked).toBe(false);
    expect(resent).toMatchObject({ ok: true, data: { id: stored!.id, seq: stored!.seq, clientId: payload.clientId, body: payload.body } });
    expect(await storedWith(payload)).toHaveLength(1);
    const [{ count }] = (await getDb().execute(sql`select count(*)::int as count from messages where chat_id = ${chatId}`)) as unknown as [{ count: number }];
    expect(count).toBe(1);
    expect((await heardAfterBarrier(sender, receiver, heard, chatId)).map((m) => m.id)).toEqual([stored!.id]);
  });
});
