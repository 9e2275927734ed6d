/**
 * getRecentMessages against whichever cache the environment configures (Redis with REDIS_URL, else memory),
 * through the same realtime server the app runs: edits, deletions and reactions leave no stale list behind.
 * Used by lib/cache/get-recent-messages*.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { getMembership, getReadableMembership } from '@/db/queries/chats';
import { listRecentMessages, listRecentMessagesWithRevision } from '@/db/queries/messages';
import { insertMessage } from '@/db/queries/message-insert';
import { chatMembers } from '@/db/schema';
import { getRecentMessages, getRecentMessagesCache, getVisibleRecentMessages } from '@/lib/cache/recent-messages';
import type { Result } from '@/lib/errors';
import {
  RECENT_MESSAGES,
  type MessageDeletePayload,
  type MessageDTO,
  type MessageEditPayload,
  type ReactionTogglePayload,
} from '@/lib/realtime/events';
import { closeTestServices, makeChat, sendMessage, startRealtimeServer, WAIT_MS, type TestRealtimeServer, type TestSocket } from './harness';

/** A chat with `count` messages in Postgres only: insertMessage does not touch the cache. */
async function chatWithMessages(count: number) {
  const { a, b, chatId } = await makeChat();
  for (let i = 1; i <= count; i++) await insertMessage({ chatId, senderId: i % 2 ? a.id : b.id, clientId: randomUUID(), body: `m${i}` });
  const membership = await getMembership({ chatId, userId: a.id });
  return { a, b, chatId, lastSeq: membership!.lastSeq, revision: membership!.revision };
}

/** What the page would show right now: the chat's cached-or-fresh tail at the revision a reader reads first. */
async function readAsMember(chatId: string, userId: string) {
  const membership = await getReadableMembership({ chatId, userId });
  return getVisibleRecentMessages({ chatId, membership: membership! });
}

const ok = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error}`);
  return result.data;
};
const change = {
  edit: (socket: TestSocket, payload: MessageEditPayload): Promise<Result<MessageDTO>> => socket.timeout(WAIT_MS).emitWithAck('message:edit', payload),
  remove: (socket: TestSocket, payload: MessageDeletePayload): Promise<Result<MessageDTO>> => socket.timeout(WAIT_MS).emitWithAck('message:delete', payload),
  react: (socket: TestSocket, payload: ReactionTogglePayload): Promise<Result<MessageDTO>> => socket.timeout(WAIT_MS).emitWithAck('reaction:toggle', payload),
};

const seqs = (messages: MessageDTO[] | null) => messages?.map((m) => m.seq) ?? null;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function describeGetRecentMessages(cacheName: string) {
  describe(`getRecentMessages with the ${cacheName} cache`, () => {
    let server: TestRealtimeServer;

    beforeAll(async () => {
      server = await startRealtimeServer();
    });

    afterAll(async () => {
      await server?.close();
      await closeTestServices();
    });

    it('keeps exactly the newest 25 of 30 messages sent through message:send, in order', async () => {
      const { a, chatId } = await makeChat();
      const socket = await server.connect(a);
      const acked: MessageDTO[] = [];
      for (let i = 1; i <= 30; i++) {
        const ack = await sendMessage(socket, { chatId, body: `live ${i}` });
        if (!ack.ok) throw new Error(ack.error);
        acked.push(ack.data);
      }

      expect(await getRecentMessagesCache().read(chatId)).toEqual({ messages: acked.slice(-RECENT_MESSAGES), revision: 0 });
      expect(await getRecentMessages({ chatId, lastSeq: 30, revision: 0 })).toEqual(acked.slice(-RECENT_MESSAGES));
    });

    it('refills a miss from Postgres; afterwards the cache holds the newest 25', async () => {
      const { chatId, lastSeq, revision } = await chatWithMessages(30);
      const cache = getRecentMessagesCache();
      await cache.replace(chatId, [], revision); // deletes the key / the memory entry
      expect(await cache.read(chatId)).toBeNull();

      const served = await getRecentMessages({ chatId, lastSeq, revision });

      expect(served).toEqual(await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
      expect(seqs(served)).toEqual(range(6, 30));
      expect(await cache.read(chatId)).toEqual({ messages: served, revision });
    });

    it('serves a complete tail from the cache without going to Postgres', async () => {
      const { chatId, lastSeq, revision } = await chatWithMessages(3);
      const fromPostgres = await listRecentMessages({ chatId, limit: RECENT_MESSAGES });
      // Marked copies: if these come back, the cache answered.
      const marked = fromPostgres.map((m) => ({ ...m, body: `cached ${m.seq}` }));
      await getRecentMessagesCache().replace(chatId, marked, revision);

      expect(await getRecentMessages({ chatId, lastSeq, revision })).toEqual(marked);
    });

    it('treats a complete tail stored at another revision as a miss, refills it and labels it with the reader’s revision', async () => {
      const { chatId, lastSeq, revision } = await chatWithMessages(3);
      const cache = getRecentMessagesCache();
      const marked = (await listRecentMessages({ chatId, limit: RECENT_MESSAGES })).map((m) => ({ ...m, body: `old text ${m.seq}` }));
      await cache.replace(chatId, marked, revision - 1);

      const served = await getRecentMessages({ chatId, lastSeq, revision });
      expect(served).toEqual(await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
      expect(await cache.read(chatId)).toEqual({ messages: served, revision });
    });

    it('without a revision from the caller reads the chat’s own first', async () => {
      const { chatId, lastSeq, revision } = await chatWithMessages(3);
      const marked = (await listRecentMessages({ chatId, limit: RECENT_MESSAGES })).map((m) => ({ ...m, body: `old text ${m.seq}` }));
      await getRecentMessagesCache().replace(chatId, marked, revision + 1);

      expect(await getRecentMessages({ chatId, lastSeq })).toEqual(await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
    });

    it('treats a stale cache (ends before lastSeq) as a miss and refills it', async () => {
      const { chatId, lastSeq, revision } = await chatWithMessages(30);
      const cache = getRecentMessagesCache();
      const stale = (await listRecentMessages({ chatId, limit: 30 })).slice(0, RECENT_MESSAGES);
      await cache.replace(chatId, stale, revision);
      expect(seqs((await cache.read(chatId))?.messages ?? null)).toEqual(range(1, 25));

      expect(seqs(await getRecentMessages({ chatId, lastSeq, revision }))).toEqual(range(6, 30));
      expect(seqs((await cache.read(chatId))?.messages ?? null)).toEqual(range(6, 30));
    });

    it('treats a gapped cache as a miss and refills it', async () => {
      const { chatId, lastSeq, revision } = await chatWithMessages(30);
      const cache = getRecentMessagesCache();
      const gapped = (await listRecentMessages({ chatId, limit: RECENT_MESSAGES })).filter((m) => m.seq !== 17);
      await cache.replace(chatId, gapped, revision);

      expect(seqs(await getRecentMessages({ chatId, lastSeq, revision }))).toEqual(range(6, 30));
      expect(seqs((await cache.read(chatId))?.messages ?? null)).toEqual(range(6, 30));
    });

    it('returns nothing for a chat without messages', async () => {
      const { chatId } = await makeChat();
      expect(await getRecentMessages({ chatId, lastSeq: 0, revision: 0 })).toEqual([]);
    });

    it('after an edit, a deletion and a reaction, readers get exactly Postgres’ newest 25, and so does the cache', async () => {
      const { a, b, chatId } = await makeChat();
      const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
      const sent: MessageDTO[] = [];
      for (let i = 1; i <= 30; i++) sent.push(ok(await sendMessage(i % 2 ? socketA : socketB, { chatId, body: `line ${i}` })));
      // Warm: the cache serves the list before the changes.
      expect(await readAsMember(chatId, a.id)).toEqual(sent.slice(-RECENT_MESSAGES));
      const [edited, removed, reacted] = [sent[28]!, sent[26]!, sent[25]!]; // seq 29 and 27 by a, 26 by b

      const afterEdit = ok(await change.edit(socketA, { chatId, messageId: edited.id, body: 'line 29, fixed' }));
      expect(await readAsMember(chatId, b.id)).toEqual(await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
      expect(await readAsMember(chatId, b.id)).toContainEqual(afterEdit);

      ok(await change.remove(socketA, { chatId, messageId: removed.id }));
      ok(await change.react(socketA, { chatId, messageId: reacted.id, emoji: '👍' }));
      const afterReaction = ok(await change.react(socketB, { chatId, messageId: reacted.id, emoji: '👍' }));
      expect(afterReaction.reactions).toEqual([{ emoji: '👍', userIds: [a.id, b.id] }]);

      const postgres = await listRecentMessages({ chatId, limit: RECENT_MESSAGES });
      expect(await readAsMember(chatId, a.id)).toEqual(postgres);
      const membership = await getMembership({ chatId, userId: a.id });
      expect(await getRecentMessagesCache().read(chatId)).toEqual({ messages: postgres, revision: membership!.revision });
      expect(JSON.stringify(await getRecentMessagesCache().read(chatId))).not.toContain(removed.body);
      expect(postgres.find((m) => m.id === removed.id)).toMatchObject({ body: '', deleted: true, reactions: [] });
    });

    it('refuses a list made before a change even when the rebuild after it could not be written', async () => {
      const { a, chatId } = await makeChat();
      const socket = await server.connect(a);
      const first = ok(await sendMessage(socket, { chatId, body: 'first draft' }));
      const before = await getRecentMessagesCache().read(chatId);
      ok(await change.edit(socket, { chatId, messageId: first.id, body: 'second draft' }));
      // As if the rebuild had failed: the old list is back, with its old revision (once the newer one is gone, which
      // replace itself never lets an older list overwrite).
      const { revision } = (await getMembership({ chatId, userId: a.id }))!;
      await getRecentMessagesCache().replace(chatId, [], revision);
      await getRecentMessagesCache().replace(chatId, before!.messages, before!.revision!);
      expect(await getRecentMessagesCache().read(chatId)).toEqual(before);

      expect((await readAsMember(chatId, a.id)).map((m) => m.body)).toEqual(['second draft']);
    });

    it('never lets a refill read before a deletion put the deleted text back over the newer list', async () => {
      const { a, chatId } = await makeChat();
      const socket = await server.connect(a);
      const secret = ok(await sendMessage(socket, { chatId, body: 'delete me please' }));
      // A reader missed the cache and read Postgres before the deletion; its write lands after the rebuild.
      const lateRefill = (await listRecentMessagesWithRevision({ chatId, limit: RECENT_MESSAGES }))!;
      ok(await change.remove(socket, { chatId, messageId: secret.id }));
      await getRecentMessagesCache().replace(chatId, lateRefill.messages, lateRefill.revision);

      const { revision } = (await getMembership({ chatId, userId: a.id }))!;
      const cached = await getRecentMessagesCache().read(chatId);
      expect(cached?.revision).toBe(revision);
      expect(JSON.stringify(cached)).not.toContain('delete me please');
      expect(await readAsMember(chatId, a.id)).toMatchObject([{ id: secret.id, body: '', deleted: true }]);
    });

    it('getVisibleRecentMessages serves a former member only their window, and a late joiner nothing before theirs', async () => {
      const { a, b, chatId } = await chatWithMessages(40);
      // b left at 30 (the line saying so); a joined late, after 35.
      await getDb().update(chatMembers).set({ leftAtSeq: 30 }).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, b.id)));
      await getDb().update(chatMembers).set({ visibleAfterSeq: 35 }).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, a.id)));

      expect(seqs(await readAsMember(chatId, b.id))).toEqual(range(6, 30));
      expect(seqs(await readAsMember(chatId, a.id))).toEqual(range(36, 40));
    });
  });
}
