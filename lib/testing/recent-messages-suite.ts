/**
 * getRecentMessages against whichever cache the environment configures (Redis with REDIS_URL, else memory),
 * through the same realtime server the app runs. Used by lib/cache/get-recent-messages*.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMembership } from '@/db/queries/chats';
import { insertMessage, listRecentMessages } from '@/db/queries/messages';
import { getRecentMessages, getRecentMessagesCache } from '@/lib/cache/recent-messages';
import { RECENT_MESSAGES, type MessageDTO } from '@/lib/realtime/events';
import { closeTestServices, makeChat, sendMessage, startRealtimeServer, type TestRealtimeServer } from './harness';

/** A chat with `count` messages in Postgres only: insertMessage does not touch the cache. */
async function chatWithMessages(count: number) {
  const { a, b, chatId } = await makeChat();
  for (let i = 1; i <= count; i++) await insertMessage({ chatId, senderId: i % 2 ? a.id : b.id, clientId: randomUUID(), body: `m${i}` });
  const membership = await getMembership({ chatId, userId: a.id });
  return { a, b, chatId, lastSeq: membership!.lastSeq };
}

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

      expect(await getRecentMessagesCache().read(chatId)).toEqual(acked.slice(-RECENT_MESSAGES));
      expect(await getRecentMessages({ chatId, lastSeq: 30 })).toEqual(acked.slice(-RECENT_MESSAGES));
    });

    it('refills a miss from Postgres; afterwards the cache holds the newest 25', async () => {
      const { chatId, lastSeq } = await chatWithMessages(30);
      const cache = getRecentMessagesCache();
      await cache.replace(chatId, []); // deletes the key / the memory entry
      expect(await cache.read(chatId)).toBeNull();

      const served = await getRecentMessages({ chatId, lastSeq });

      expect(served).toEqual(await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
      expect(seqs(served)).toEqual(range(6, 30));
      expect(await cache.read(chatId)).toEqual(served);
    });

    it('serves a complete tail from the cache without going to Postgres', async () => {
      const { chatId, lastSeq } = await chatWithMessages(3);
      const fromPostgres = await listRecentMessages({ chatId, limit: RECENT_MESSAGES });
      // Marked copies: if these come back, the cache answered.
      const marked = fromPostgres.map((m) => ({ ...m, body: `cached ${m.seq}` }));
      await getRecentMessagesCache().replace(chatId, marked);

      expect(await getRecentMessages({ chatId, lastSeq })).toEqual(marked);
    });

    it('treats a stale cache (ends before lastSeq) as a miss and refills it', async () => {
      const { chatId, lastSeq } = await chatWithMessages(30);
      const cache = getRecentMessagesCache();
      const stale = (await listRecentMessages({ chatId, limit: 30 })).slice(0, RECENT_MESSAGES);
      await cache.replace(chatId, stale);
      expect(seqs(await cache.read(chatId))).toEqual(range(1, 25));

      expect(seqs(await getRecentMessages({ chatId, lastSeq }))).toEqual(range(6, 30));
      expect(seqs(await cache.read(chatId))).toEqual(range(6, 30));
    });

    it('treats a gapped cache as a miss and refills it', async () => {
      const { chatId, lastSeq } = await chatWithMessages(30);
      const cache = getRecentMessagesCache();
      const gapped = (await listRecentMessages({ chatId, limit: RECENT_MESSAGES })).filter((m) => m.seq !== 17);
      await cache.replace(chatId, gapped);

      expect(seqs(await getRecentMessages({ chatId, lastSeq }))).toEqual(range(6, 30));
      expect(seqs(await cache.read(chatId))).toEqual(range(6, 30));
    });

    it('returns nothing for a chat without messages', async () => {
      const { chatId } = await makeChat();
      expect(await getRecentMessages({ chatId, lastSeq: 0 })).toEqual([]);
    });
  });
}
