import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getSql } from '@/db';
import { AppError } from '@/lib/errors';
import { addToGroup, createGroupChat, removeFromGroup } from '@/lib/groups';
import { makeChat, makeUser } from '@/lib/testing/harness';
import { insertMessage } from './message-insert';
import { listRecentMessages } from './messages';

/**
 * Group commit: sends queued in the same turn of the event loop go in one batch (one transaction). These tests start
 * them together with Promise.all, so they share a batch, and check that sharing changes nothing a sender can see.
 */
afterAll(async () => {
  await closeDb();
});

const storedSeqs = async (chatId: string) => (await getSql()`select seq from messages where chat_id = ${chatId} order by seq`).map((row) => row.seq as number);

describe('insertMessage in a shared batch', () => {
  it('numbers several messages of one chat in the order they were sent, gaplessly, beside other chats', async () => {
    const [first, second] = await Promise.all([makeChat(), makeChat()]);
    const sends = ['a', 'b', 'c', 'd'].flatMap((body) => [
      insertMessage({ chatId: first.chatId, senderId: first.a.id, clientId: randomUUID(), body: `1${body}` }),
      insertMessage({ chatId: second.chatId, senderId: second.b.id, clientId: randomUUID(), body: `2${body}` }),
    ]);

    const results = await Promise.all(sends);

    expect(results.filter((_, i) => i % 2 === 0).map((r) => [r.message.seq, r.message.body])).toEqual([[1, '1a'], [2, '1b'], [3, '1c'], [4, '1d']]);
    expect(results.filter((_, i) => i % 2 === 1).map((r) => [r.message.seq, r.message.body])).toEqual([[1, '2a'], [2, '2b'], [3, '2c'], [4, '2d']]);
    expect(results.every((r) => r.created && r.chatKind === 'direct')).toBe(true);
    expect(await storedSeqs(first.chatId)).toEqual([1, 2, 3, 4]);
    expect((await getSql()`select last_seq from chats where id = ${first.chatId}`)[0]!.last_seq).toBe(4);
  });

  it("refuses a non-member's and a removed member's send with not_found, stores the others, and leaves no gap", async () => {
    const { a, chatId } = await makeChat();
    const [admin, bo, cy] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const group = await createGroupChat({ creatorId: admin.id, title: 'Batch', memberIds: [bo.id, cy.id] });
    if (!group.ok) throw new Error(group.error);
    await removeFromGroup({ chatId: group.data.chatId, actorId: admin.id, userId: cy.id });
    const stranger = await makeUser();

    const results = await Promise.allSettled([
      insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: 'mine' }),
      insertMessage({ chatId, senderId: stranger.id, clientId: randomUUID(), body: 'not mine' }),
      insertMessage({ chatId: group.data.chatId, senderId: cy.id, clientId: randomUUID(), body: 'after removal' }),
      insertMessage({ chatId: group.data.chatId, senderId: bo.id, clientId: randomUUID(), body: 'still here' }),
    ]);

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.message.body : (r.reason as AppError).code))).toEqual(['mine', 'not_found', 'not_found', 'still here']);
    expect(await storedSeqs(chatId)).toEqual([1]);
    const groupBodies = (await listRecentMessages({ chatId: group.data.chatId, limit: 25 })).filter((m) => m.kind === 'text').map((m) => m.body);
    expect(groupBodies).toEqual(['still here']);
    const groupSeqs = await storedSeqs(group.data.chatId);
    expect(groupSeqs).toEqual(groupSeqs.map((_, i) => i + 1));
  });

  it('stores two copies of one send in one batch once; the copy hears created: false and the same message', async () => {
    const { a, chatId } = await makeChat();
    const clientId = randomUUID();

    const [first, copy] = await Promise.all([0, 1].map(() => insertMessage({ chatId, senderId: a.id, clientId, body: 'once' })));

    expect(first!.created).toBe(true);
    expect(copy!.created).toBe(false);
    expect(copy!.message.id).toBe(first!.message.id);
    expect(await storedSeqs(chatId)).toEqual([1]);
  });

  it('finds a send already stored by an earlier batch: a retry is answered, not stored again', async () => {
    const { a, chatId } = await makeChat();
    const clientId = randomUUID();
    const original = await insertMessage({ chatId, senderId: a.id, clientId, body: 'retry me' });

    const [retry, next] = await Promise.all([
      insertMessage({ chatId, senderId: a.id, clientId, body: 'retry me' }),
      insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body: 'next' }),
    ]);

    expect(retry).toMatchObject({ created: false, message: { id: original.message.id, seq: 1 } });
    expect(next).toMatchObject({ created: true, message: { seq: 2 } });
  });

  it('stores hostile text exactly as written: quotes, backslashes, dollar quotes and SQL are only text', async () => {
    const { a, chatId } = await makeChat();
    const bodies = [`it's "quoted" \\ and \\' too`, "'); drop table messages; --", 'E\'\\x41\' $$ $tag$ \\n \\u0041 ::jsonb', '{"ord": 9, "chat_id": null}', '💬 naïve \t tab'];

    const stored = await Promise.all(bodies.map((body) => insertMessage({ chatId, senderId: a.id, clientId: randomUUID(), body })));

    expect(stored.map((result) => result.message.body)).toEqual(bodies);
    expect((await listRecentMessages({ chatId, limit: 25 })).map((m) => m.body)).toEqual(bodies);
  });

  it('keeps a chat in one batch at a time: sends queued while its batch is written are numbered after it', async () => {
    const [x, y] = await Promise.all([makeChat(), makeChat()]);
    const send = (chat: typeof x, body: string) => insertMessage({ chatId: chat.chatId, senderId: chat.a.id, clientId: randomUUID(), body });

    const first = send(x, 'x1');
    // The next turn of the event loop: x1's batch has started; x2 waits for it while y1 goes in a second batch at once.
    await new Promise((resolve) => setImmediate(resolve));
    const later = [send(x, 'x2'), send(y, 'y1'), send(x, 'x3')];
    const results = await Promise.all([first, ...later]);

    expect(results.map((r) => [r.message.body, r.message.seq])).toEqual([['x1', 1], ['x2', 2], ['y1', 1], ['x3', 3]]);
  });

  it('answers a retry only inside the sender\'s window: replayed after being removed and added back, it is not_found', async () => {
    const [admin, bo, cy] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const group = await createGroupChat({ creatorId: admin.id, title: 'Replay', memberIds: [bo.id, cy.id] });
    if (!group.ok) throw new Error(group.error);
    const send = { chatId: group.data.chatId, senderId: cy.id, clientId: randomUUID(), body: 'before I was removed' };
    await insertMessage(send);
    await removeFromGroup({ chatId: group.data.chatId, actorId: admin.id, userId: cy.id });

    // Still inside the window a removed member keeps (up to the removal): the retry is answered.
    expect(await insertMessage(send)).toMatchObject({ created: false, message: { body: 'before I was removed' } });
    // Added back, they read from the new "added" line on: the old send is outside, as if it did not exist.
    await addToGroup({ chatId: group.data.chatId, actorId: admin.id, userIds: [cy.id] });
    await expect(insertMessage(send)).rejects.toMatchObject({ code: 'not_found' });
  });
});
