import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { getChatSummaryForUser, listChatsForUser } from '@/db/queries/chats';
import { insertMessage } from '@/db/queries/message-insert';
import { markChatUnread, updatePrivacy } from '@/db/queries/presence';
import { chatMembers } from '@/db/schema';
import type { ReceiptPayload } from '@/lib/realtime/events';
import {
  closeTestServices,
  emitRaw,
  makeChat,
  makeUser,
  nextEvent,
  recordEvents,
  sendMessage,
  startRealtimeServer,
  waitFor,
  WAIT_MS,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';
import { installQueryLog, type QueryLog } from '@/lib/testing/query-log';

let server: TestRealtimeServer;
let queries: QueryLog;

beforeAll(async () => {
  // Counts the statements the receipt buffer sends (see 'coalesces'); installed before anything queries.
  queries = installQueryLog();
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

const report = (socket: TestSocket, payload: ReceiptPayload) => socket.timeout(WAIT_MS).emitWithAck('receipt:update', payload);

async function positions(chatId: string, userId: string) {
  const [row] = await getDb()
    .select({ deliveredSeq: chatMembers.deliveredSeq, readSeq: chatMembers.readSeq, markedUnread: chatMembers.markedUnread })
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
  return row;
}

const announcements = () => queries.statements.filter((statement) => statement.startsWith('select distinct')).length;

/**
 * A chat where A wrote `count` messages; A connected (the sender, who sees ticks), B with two tabs. Returns once
 * both people's presence announcements (one listContacts query each) went out, so later statement counts hold
 * only what the test caused.
 */
async function chatWithMessages(count: number) {
  const { a, b, chatId } = await makeChat();
  for (let i = 1; i <= count; i++) await insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: `m${i}` });
  const before = announcements();
  const [sender, reader, readerOtherTab] = await Promise.all([server.connect(a), server.connect(b), server.connect(b)]);
  await waitFor(async () => (announcements() - before >= 2 ? true : undefined), 'presence announcements of A and B');
  return { a, b, chatId, sender, reader, readerOtherTab };
}

/** The receipt buffer's statements: its UPDATE … RETURNING and the audience SELECT (presence's queries excluded). */
const receiptStatements = (statements: string[]) =>
  statements.filter((statement) => statement.includes('chat_members') && !statement.startsWith('select distinct'));

const receiptFor = (socket: TestSocket, chatId: string, match: (r: { deliveredSeq: number; readSeq: number | null }) => boolean = () => true) =>
  nextEvent(socket, 'receipt:update', (r) => r.chatId === chatId && match(r));

describe('receipt:update', () => {
  it('tells the sender the reader’s positions, and the reader’s other tabs their read position; stores both', async () => {
    const { b, chatId, sender, reader, readerOtherTab } = await chatWithMessages(3);
    const receipt = receiptFor(sender, chatId);
    const read = nextEvent(readerOtherTab, 'chat:read', (r) => r.chatId === chatId);

    expect(await report(reader, { chatId, deliveredSeq: 3, readSeq: 2 })).toEqual({ ok: true, data: null });

    expect(await receipt).toEqual({ chatId, userId: b.id, deliveredSeq: 3, readSeq: 2 });
    expect(await read).toEqual({ chatId, readSeq: 2, markedUnread: false });
    expect(await positions(chatId, b.id)).toEqual({ deliveredSeq: 3, readSeq: 2, markedUnread: false });
  });

  it('only raises positions: a lower report leaves them where they are', async () => {
    const { b, chatId, sender, reader } = await chatWithMessages(3);
    const first = receiptFor(sender, chatId);
    await report(reader, { chatId, deliveredSeq: 3, readSeq: 2 });
    await first;

    const second = receiptFor(sender, chatId);
    await report(reader, { chatId, deliveredSeq: 1, readSeq: 1 });
    expect(await second).toEqual({ chatId, userId: b.id, deliveredSeq: 3, readSeq: 2 });
    expect(await positions(chatId, b.id)).toMatchObject({ deliveredSeq: 3, readSeq: 2 });
  });

  it('never goes past the chat’s last message, and delivered is at least read', async () => {
    const { b, chatId, sender, reader } = await chatWithMessages(3);
    const readOnly = receiptFor(sender, chatId);
    await report(reader, { chatId, deliveredSeq: 0, readSeq: 2 });
    expect(await readOnly).toMatchObject({ deliveredSeq: 2, readSeq: 2 });

    const beyond = receiptFor(sender, chatId, (r) => r.readSeq === 3);
    await report(reader, { chatId, deliveredSeq: 99, readSeq: 2_147_483_647 });
    expect(await beyond).toEqual({ chatId, userId: b.id, deliveredSeq: 3, readSeq: 3 });
    expect(await positions(chatId, b.id)).toMatchObject({ deliveredSeq: 3, readSeq: 3 });
  });

  it('coalesces: many reports within one flush window cost one UPDATE (and one SELECT) and one receipt', async () => {
    const { b, chatId, sender, reader } = await chatWithMessages(20);
    const heard = recordEvents(sender, 'receipt:update', (r) => r.chatId === chatId);
    const window = queries.mark();

    // Twenty reports in one tick: one frame burst, well inside the 200 ms window that the first one opens.
    const acks = Array.from({ length: 20 }, (_, i) => report(reader, { chatId, deliveredSeq: i + 1, readSeq: i + 1 }));
    const batch = receiptFor(sender, chatId);
    expect(await Promise.all(acks)).toEqual(Array.from({ length: 20 }, () => ({ ok: true, data: null })));
    expect(await batch).toEqual({ chatId, userId: b.id, deliveredSeq: 20, readSeq: 20 });

    const statements = receiptStatements(window.list());
    // Measured on the wire: postgres.js's debug hook sees every statement this process sends (no mock, nothing skipped).
    // pg_stat_user_tables.n_tup_upd would also count the rows of every other test file sharing the database, and lags.
    expect(statements.filter((s) => s.startsWith('update chat_members')), statements.join('\n')).toHaveLength(1);
    expect(statements, 'one UPDATE … RETURNING and the audience SELECT').toHaveLength(2);

    // The next report is a new flush: the batch above was announced once.
    const after = receiptFor(sender, chatId);
    await report(reader, { chatId, deliveredSeq: 20, readSeq: 20 });
    await after;
    expect(heard).toHaveLength(2);
  });

  it('merges the reports of several chats and members into one UPDATE per flush', async () => {
    const [x, y] = await Promise.all([chatWithMessages(2), chatWithMessages(2)]);
    const window = queries.mark();
    const receipts = Promise.all([receiptFor(x.sender, x.chatId), receiptFor(y.sender, y.chatId), receiptFor(y.reader, y.chatId)]);
    await Promise.all([
      report(x.reader, { chatId: x.chatId, deliveredSeq: 2, readSeq: 1 }),
      report(y.reader, { chatId: y.chatId, deliveredSeq: 2, readSeq: 2 }),
      report(y.sender, { chatId: y.chatId, deliveredSeq: 2, readSeq: 2 }),
    ]);
    const [toX, toY, toYReader] = await receipts;
    expect(toX).toEqual({ chatId: x.chatId, userId: x.b.id, deliveredSeq: 2, readSeq: 1 });
    expect(toY).toEqual({ chatId: y.chatId, userId: y.b.id, deliveredSeq: 2, readSeq: 2 });
    expect(toYReader).toEqual({ chatId: y.chatId, userId: y.a.id, deliveredSeq: 2, readSeq: 2 });
    expect(receiptStatements(window.list()).filter((s) => s.startsWith('update chat_members'))).toHaveLength(1);
  });

  it.each([
    ['the reader', 'b'],
    ['the sender', 'a'],
  ] as const)('when %s turned read receipts off, the sender hears delivered but readSeq null; the reader’s own tabs still learn it', async (_who, who) => {
    const { a, b, chatId, sender, reader, readerOtherTab } = await chatWithMessages(2);
    await updatePrivacy({ userId: who === 'a' ? a.id : b.id, hideLastSeen: false, sendReadReceipts: false });
    const receipt = receiptFor(sender, chatId);
    const read = nextEvent(readerOtherTab, 'chat:read', (r) => r.chatId === chatId);

    await report(reader, { chatId, deliveredSeq: 2, readSeq: 2 });

    expect(await receipt).toEqual({ chatId, userId: b.id, deliveredSeq: 2, readSeq: null });
    expect(await read).toEqual({ chatId, readSeq: 2, markedUnread: false });
    // Stored all the same: it drives the reader's own unread count.
    expect(await positions(chatId, b.id)).toMatchObject({ deliveredSeq: 2, readSeq: 2 });
    // And the sender's list hides it too.
    expect(await getChatSummaryForUser({ chatId, userId: a.id })).toMatchObject({ peerDeliveredSeq: 2, peerReadSeq: null });
  });

  it('answers not_found to a non-member, and the member’s positions do not move', async () => {
    const { a, b, chatId } = await chatWithMessages(2);
    const outsider = await server.connect(await makeUser());
    expect(await report(outsider, { chatId, deliveredSeq: 2, readSeq: 2 })).toEqual({ ok: false, error: 'not_found' });
    expect(await report(outsider, { chatId: randomUUID(), deliveredSeq: 1, readSeq: 1 })).toEqual({ ok: false, error: 'not_found' });
    expect(await positions(chatId, a.id)).toMatchObject({ deliveredSeq: 0, readSeq: 0 });
    expect(await positions(chatId, b.id)).toMatchObject({ deliveredSeq: 0, readSeq: 0 });
  });

  it.each([
    ['a negative position', { chatId: randomUUID(), deliveredSeq: -1, readSeq: 0 }],
    ['a fractional position', { chatId: randomUUID(), deliveredSeq: 1.5, readSeq: 0 }],
    ['a position beyond a Postgres integer', { chatId: randomUUID(), deliveredSeq: 2 ** 31, readSeq: 0 }],
    ['a chat id that is not a uuid', { chatId: 'x', deliveredSeq: 1, readSeq: 1 }],
    ['a missing readSeq', { chatId: randomUUID(), deliveredSeq: 1 }],
  ])('answers invalid_input for %s', async (_case, payload) => {
    const socket = await server.connect(await makeUser());
    expect(await emitRaw(socket, 'receipt:update', payload)).toEqual({ ok: false, error: 'invalid_input' });
  });
});

describe('unread counts', () => {
  it('after a reconnect: the messages after my read position, then fewer once I report reading', async () => {
    const { a, b, chatId } = await makeChat();
    const sender = await server.connect(a);
    const away = await server.connect(b);
    away.disconnect();
    for (const body of ['one', 'two', 'three']) expect((await sendMessage(sender, { chatId, body })).ok).toBe(true);
    await sendMessage(sender, { chatId, body: 'four' });

    const back = await server.connect(b);
    expect((await listChatsForUser(b.id)).find((c) => c.id === chatId)).toMatchObject({ unreadCount: 4, myReadSeq: 0, markedUnread: false });
    // My own messages never count.
    expect(await getChatSummaryForUser({ chatId, userId: a.id })).toMatchObject({ unreadCount: 0, peerDeliveredSeq: 0, peerReadSeq: 0 });

    const read = nextEvent(back, 'chat:read', (r) => r.chatId === chatId);
    await report(back, { chatId, deliveredSeq: 4, readSeq: 2 });
    expect(await read).toEqual({ chatId, readSeq: 2, markedUnread: false });
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 2, myReadSeq: 2 });
    expect(await getChatSummaryForUser({ chatId, userId: a.id })).toMatchObject({ peerDeliveredSeq: 4, peerReadSeq: 2 });
  });

  it('a chat marked unread stays so until the member reports reading it; a delivered-only report keeps it', async () => {
    const { a, b, chatId, reader, readerOtherTab } = await chatWithMessages(2);
    const first = nextEvent(readerOtherTab, 'chat:read', (r) => r.chatId === chatId);
    await report(reader, { chatId, deliveredSeq: 2, readSeq: 2 });
    await first;
    expect(await markChatUnread({ chatId, userId: b.id })).toBe(true);
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 0, markedUnread: true });
    expect(await markChatUnread({ chatId, userId: (await makeUser()).id }), 'not a member').toBe(false);

    const delivered = nextEvent(readerOtherTab, 'chat:read', (r) => r.chatId === chatId);
    await report(reader, { chatId, deliveredSeq: 2, readSeq: 0 });
    expect(await delivered).toEqual({ chatId, readSeq: 2, markedUnread: true });

    const readAgain = nextEvent(readerOtherTab, 'chat:read', (r) => r.chatId === chatId);
    await report(reader, { chatId, deliveredSeq: 2, readSeq: 2 });
    expect(await readAgain).toEqual({ chatId, readSeq: 2, markedUnread: false });
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 0, markedUnread: false });
    expect(await positions(chatId, a.id)).toMatchObject({ markedUnread: false });
  });
});
