import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeTestServices,
  makeChat,
  nextEvent,
  recordEvents,
  sendMessage,
  startRealtimeServer,
  waitFor,
  WAIT_MS,
  type TestRealtimeServer,
} from '@/lib/testing/harness';
import { installQueryLog, type QueryLog } from '@/lib/testing/query-log';
import { insertMessage } from '@/db/queries/message-insert';

/**
 * What one sent message costs in Postgres statements, counted on the wire (postgres.js's debug hook sees every
 * statement this process writes, `begin`/`commit` included). Receipts must add no statement per message: the
 * positions they report are merged and written once per flush. Mentions add none (resolved inside the insert);
 * a reply adds two, the membership and the original. Messages sent at the same time share one transaction.
 */
let server: TestRealtimeServer;
let queries: QueryLog;

beforeAll(async () => {
  queries = installQueryLog();
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

/**
 * Left out: presence, which runs beside the send path (announcements, their privacy lookups, last-seen writes), and
 * postgres.js's array type lookup, sent once per new connection the first time it reads an array column.
 */
const NOT_SEND_PATH = [
  /^select distinct/,
  /^select ("users"\.)?"hide_last_seen"/,
  /^update "users" set "last_seen_at"/,
  /^select b\.oid, b\.typarray from pg_catalog\.pg_type/,
];
const sendPathOnly = (statements: string[]) => statements.filter((statement) => !NOT_SEND_PATH.some((shape) => shape.test(statement)));

const announcements = () => queries.statements.filter((statement) => statement.startsWith('select distinct')).length;

/** The shapes of the hot path's statements, in order: one group commit (db/queries/message-insert.ts). */
const SEND_PATH = [
  /^begin$/,
  /^set local lock_timeout/, // a chat locked elsewhere too long fails this batch, not every send after it
  /^select c\.id from chats c .* for update$/, // 1. lock the chats in which the senders are members
  /^with input as .* insert into messages/, // 2. membership again after the lock, idempotency, numbers, mentions, the rows
  /^commit$/,
];
const MEMBERSHIP = /^select "chats"\."kind", "chats"\."last_seq", .* from "chat_members" inner join "chats"/;

describe('statements per message', () => {
  it('a mention costs no statement: Postgres resolves the names inside the insert', async () => {
    const { a, b, chatId } = await makeChat();
    const sender = await server.connect(a);

    const window = queries.mark();
    const mention = await sendMessage(sender, { chatId, body: `hey @${b.username}` });
    expect(mention).toMatchObject({ ok: true, data: { mentionIds: [b.id] } });
    const statements = sendPathOnly(window.list());
    expect(statements.length, statements.join('\n')).toBe(SEND_PATH.length);
    statements.forEach((statement, index) => expect(statement).toMatch(SEND_PATH[index]!));
    expect(statements.find((statement) => statement.startsWith('with input'))).toMatch(/select array_agg\(cm\.user_id/);
  });

  it('a reply costs two statements more: the membership and the original, which is checked and becomes the quote', async () => {
    const { a, chatId } = await makeChat();
    const sender = await server.connect(a);
    const original = await sendMessage(sender, { chatId, body: 'original' });
    if (!original.ok) throw new Error(original.error);

    const window = queries.mark();
    const reply = await sender.timeout(WAIT_MS).emitWithAck('message:send', { chatId, clientId: randomUUID(), body: 'reply', replyToId: original.data.id });
    expect(reply).toMatchObject({ ok: true, data: { replyTo: { id: original.data.id } } });
    const statements = sendPathOnly(window.list());
    const replyPath = [MEMBERSHIP, /^select .* from "messages" where \("messages"\."chat_id" = \$1 and "messages"\."id" = \$2\)/, ...SEND_PATH];
    expect(statements.length, statements.join('\n')).toBe(replyPath.length);
    statements.forEach((statement, index) => expect(statement).toMatch(replyPath[index]!));
  });

  it('one message:send costs five statements: a transaction that bounds its lock wait, locks the chat, then checks and stores', async () => {
    const { a, chatId } = await makeChat();
    const before = announcements();
    const sender = await server.connect(a);
    await waitFor(async () => (announcements() > before ? true : undefined), 'presence announcement of the sender');

    const window = queries.mark();
    const ack = await sendMessage(sender, { chatId, body: 'how much does this cost?' });
    expect(ack.ok).toBe(true);
    const statements = window.list();
    expect(statements.length, statements.join('\n')).toBe(SEND_PATH.length);
    statements.forEach((statement, index) => expect(statement).toMatch(SEND_PATH[index]!));
  });

  it('with the recipient online and reporting every message, a send still costs five; receipts cost two per flush', async () => {
    const { a, b, chatId } = await makeChat();
    const before = announcements();
    const [sender, recipient] = await Promise.all([server.connect(a), server.connect(b)]);
    await waitFor(async () => (announcements() - before >= 2 ? true : undefined), 'presence announcements');
    const flushes = recordEvents(sender, 'receipt:update', (r) => r.chatId === chatId);
    // Like the browser: every message that arrives is reported as delivered and read (here without its 300 ms debounce).
    recipient.on('message:new', (message) => {
      if (message.chatId === chatId) recipient.emit('receipt:update', { chatId, deliveredSeq: message.seq, readSeq: message.seq });
    });

    const window = queries.mark();
    const count = 10;
    for (let i = 1; i <= count; i++) expect((await sendMessage(sender, { chatId, body: `m${i}` })).ok).toBe(true);
    await nextEvent(sender, 'receipt:update', (r) => r.chatId === chatId && r.readSeq === count, WAIT_MS);
    const statements = window.list().filter((statement) => !statement.startsWith('select distinct') && !statement.startsWith('select "users"."hide_last_seen"'));

    const receiptStatements = statements.filter((statement) => statement.includes('chat_members') && !SEND_PATH.some((shape) => shape.test(statement)));
    const sendStatements = statements.length - receiptStatements.length;
    expect(sendStatements, 'five per message, as without receipts').toBe(count * SEND_PATH.length);
    // One UPDATE … RETURNING and one audience SELECT per flush, however many reports the flush merged.
    expect(receiptStatements.filter((statement) => statement.startsWith('update chat_members'))).toHaveLength(flushes.length);
    expect(receiptStatements).toHaveLength(2 * flushes.length);
    expect(flushes.length).toBeLessThanOrEqual(count);
    console.info(`[query cost] ${count} messages: ${sendStatements} send statements, ${flushes.length} receipt flushes = ${receiptStatements.length} statements`);
  });

  it('messages of many chats sent at the same time share one group commit: five statements for all of them', async () => {
    const chats = await Promise.all(Array.from({ length: 12 }, () => makeChat()));
    const window = queries.mark();

    const stored = await Promise.all(chats.map(({ a, chatId }) => insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: 'together' })));

    expect(stored.every((result) => result.created && result.message.seq === 1)).toBe(true);
    const statements = sendPathOnly(window.list());
    expect(statements.length, statements.join('\n')).toBe(SEND_PATH.length);
    statements.forEach((statement, index) => expect(statement).toMatch(SEND_PATH[index]!));
  });
});
