import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryRecentMessages,
  createRedisRecentMessages,
  isCompleteTail,
  type RecentMessagesCache,
} from '@/lib/cache/recent-messages';
import { getRedisPrefix } from '@/lib/env';
import { makeMessageDTO } from '@/lib/testing/message-fixture';
import { RECENT_MESSAGES, type MessageDTO } from '@/lib/realtime/events';

function message(chatId: string, seq: number): MessageDTO {
  return makeMessageDTO({
    id: randomUUID(),
    chatId,
    seq,
    senderId: randomUUID(),
    clientId: randomUUID(),
    body: `message ${seq}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const tail = (seqs: number[]) => seqs.map((seq) => message('c', seq));

describe('isCompleteTail', () => {
  it('accepts exactly the newest 25 up to lastSeq, or everything when a chat has fewer', () => {
    expect(isCompleteTail(tail(range(6, 30)), 30)).toBe(true);
    expect(isCompleteTail(tail(range(1, 3)), 3)).toBe(true);
    expect(isCompleteTail(tail(range(1, 25)), 25)).toBe(true);
  });

  it('accepts a tail that is newer than the lastSeq the caller read', () => {
    expect(isCompleteTail(tail(range(7, 31)), 30)).toBe(true);
  });

  it.each([
    ['empty', [], 0],
    ['empty for a chat with messages', [], 5],
    ['stale: ends before lastSeq', range(1, 25), 30],
    ['a gap in the middle', [...range(6, 16), ...range(18, 30)], 30],
    ['a gap filled with a duplicate', [...range(6, 16), 16, ...range(18, 30)], 30],
    ['missing the oldest of a short chat', range(2, 3), 3],
    ['longer than 25', range(5, 30), 30],
    ['shorter than 25 in a long chat', range(10, 30), 30],
  ])('rejects a tail that is %s', (_case, seqs, lastSeq) => {
    expect(isCompleteTail(tail(seqs), lastSeq)).toBe(false);
  });
});

/** The contract both implementations keep; `raw` reads the stored length where the store allows it. */
function describeCache(name: string, makeCache: () => RecentMessagesCache, storedLength?: (chatId: string) => Promise<number>) {
  describe(name, () => {
    it(`keeps exactly the newest ${RECENT_MESSAGES} of 30 pushes, oldest first`, async () => {
      const cache = makeCache();
      const chatId = randomUUID();
      const pushed = range(1, 30).map((seq) => message(chatId, seq));
      for (const m of pushed) await cache.push(m);

      expect(await cache.read(chatId)).toEqual({ messages: pushed.slice(-RECENT_MESSAGES), revision: 0 });
      if (storedLength) expect(await storedLength(chatId)).toBe(RECENT_MESSAGES);
    });

    it('reads null for a chat with nothing cached, and keeps chats apart', async () => {
      const cache = makeCache();
      const [one, two] = [randomUUID(), randomUUID()];
      await cache.push(message(one, 1));

      expect(await cache.read(two)).toBeNull();
      expect((await cache.read(one))?.messages.map((m) => m.chatId)).toEqual([one]);
    });

    it('replace() keeps the newest 25 of what it is given with its revision; replace([]) empties the chat', async () => {
      const cache = makeCache();
      const chatId = randomUUID();
      await cache.push(message(chatId, 99));
      const fresh = range(1, 30).map((seq) => message(chatId, seq));

      await cache.replace(chatId, fresh, 7);
      expect(await cache.read(chatId)).toEqual({ messages: fresh.slice(-RECENT_MESSAGES), revision: 7 });
      await cache.replace(chatId, [], 8);
      expect(await cache.read(chatId)).toBeNull();
    });

    it('push() keeps the revision of the list it appends to; a new list starts at revision 0', async () => {
      const cache = makeCache();
      const chatId = randomUUID();
      await cache.replace(chatId, [message(chatId, 1)], 3);
      await cache.push(message(chatId, 2));
      expect(await cache.read(chatId)).toMatchObject({ revision: 3 });

      await cache.replace(chatId, [], 3);
      await cache.push(message(chatId, 3));
      expect(await cache.read(chatId)).toMatchObject({ revision: 0 });
    });
  });
}

describeCache('createMemoryRecentMessages', () => createMemoryRecentMessages());

describe('createMemoryRecentMessages eviction', () => {
  it('forgets the least recently used chat beyond maxChats', async () => {
    const cache = createMemoryRecentMessages(2);
    const [one, two, three] = [randomUUID(), randomUUID(), randomUUID()];
    await cache.push(message(one, 1));
    await cache.push(message(two, 1));
    await cache.read(one);
    await cache.push(message(three, 1));

    expect(await cache.read(two)).toBeNull();
    expect(await cache.read(one)).not.toBeNull();
    expect(await cache.read(three)).not.toBeNull();
  });
});

describe.skipIf(!process.env.REDIS_URL)('createRedisRecentMessages (real Redis, the run’s key prefix; needs REDIS_URL)', () => {
  let redis: Redis;
  const prefix = getRedisPrefix();
  const key = (chatId: string) => `${prefix}chat:${chatId}:recent`;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis?.quit();
  });

  it('runs under the throwaway prefix of scripts/test-services.mjs', () => {
    expect(prefix).toMatch(/^parley-test-/);
  });

  describeCache('contract', () => createRedisRecentMessages(redis, prefix), (chatId) => redis.llen(key(chatId)));

  it('reads a list written before revisions were stored with revision null, which matches no chat', async () => {
    const chatId = randomUUID();
    await redis.rpush(key(chatId), JSON.stringify(message(chatId, 1)));
    expect(await createRedisRecentMessages(redis, prefix).read(chatId)).toMatchObject({ revision: null });
  });

  it('fails read() on an entry that is not a MessageDTO, so callers treat it as a miss', async () => {
    const chatId = randomUUID();
    await redis.rpush(key(chatId), JSON.stringify({ seq: 'one' }));
    await expect(createRedisRecentMessages(redis, prefix).read(chatId)).rejects.toThrow();
  });
});
