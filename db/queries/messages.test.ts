import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getSql } from '@/db';
import { getMembership } from '@/db/queries/chats';
import { listMessagesAfter, listMessagesBefore, listRecentMessages } from '@/db/queries/messages';
import { insertMessage } from '@/db/queries/message-insert';
import { closeTestServices, makeChat } from '@/lib/testing/harness';

afterAll(closeTestServices);

async function storedSeqs(chatId: string): Promise<number[]> {
  // One statement, one snapshot: exactly what a reader could see at that moment.
  const [row] = await getSql()<{ seqs: number[] | null }[]>`
    select array_agg(seq order by seq) as seqs from messages where chat_id = ${chatId}`;
  return row?.seqs ?? [];
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('insertMessage', () => {
  it('stores concurrent inserts of one clientId once: one created, all return the same message', async () => {
    const { a, chatId } = await makeChat();
    const clientId = randomUUID();

    const results = await Promise.all(Array.from({ length: 6 }, () => insertMessage({ chatId, senderId: a.id, clientId, body: 'same' })));

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results[0]!.message.seq).toBe(1);
    expect(await storedSeqs(chatId)).toEqual([1]);
    expect(await getMembership({ chatId, userId: a.id })).toMatchObject({ lastSeq: 1, active: true });
  });

  it('keeps the same clientId from different senders apart', async () => {
    const { a, b, chatId } = await makeChat();
    const clientId = randomUUID();
    const [x, y] = await Promise.all([
      insertMessage({ chatId, senderId: a.id, clientId, body: 'from a' }),
      insertMessage({ chatId, senderId: b.id, clientId, body: 'from b' }),
    ]);
    expect([x.created, y.created]).toEqual([true, true]);
    expect(await storedSeqs(chatId)).toEqual([1, 2]);
  });

  it('numbers in commit order: every snapshot taken during concurrent inserts is 1..k without a gap', async () => {
    const { a, b, chatId } = await makeChat();
    const total = 40;
    let done = false;
    const inserts = Promise.all(
      Array.from({ length: total }, (_, i) => insertMessage({ chatId, senderId: i % 2 ? a.id : b.id, clientId: randomUUID(), body: `m${i}` })),
    ).finally(() => (done = true));

    const snapshots: number[][] = [];
    while (!done) snapshots.push(await storedSeqs(chatId));
    await inserts;
    snapshots.push(await storedSeqs(chatId));

    for (const seqs of snapshots) expect(seqs).toEqual(oneTo(seqs.length));
    expect(snapshots.at(-1)).toEqual(oneTo(total));
  });
});

describe('message listings', () => {
  it('list the newest, the older and the newer messages oldest first, within their limits', async () => {
    const { a, chatId } = await makeChat();
    for (let i = 1; i <= 8; i++) await insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: `m${i}` });
    const seqs = (list: { seq: number }[]) => list.map((m) => m.seq);

    expect(seqs(await listRecentMessages({ chatId, limit: 3 }))).toEqual([6, 7, 8]);
    expect(seqs(await listMessagesBefore({ chatId, beforeSeq: 6, limit: 3 }))).toEqual([3, 4, 5]);
    expect(seqs(await listMessagesAfter({ chatId, afterSeq: 5, limit: 2 }))).toEqual([6, 7]);
  });
});
