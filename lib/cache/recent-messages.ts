import type { Redis } from 'ioredis';
import { z } from 'zod';
import { getRedisPrefix } from '@/lib/env';
import { logger } from '@/lib/logger';
import { getRedis } from '@/lib/redis';
import { listRecentMessages } from '@/db/queries/messages';
import { RECENT_MESSAGES, type MessageDTO, type SystemEvent } from '@/lib/realtime/events';

/** The newest messages of each chat, oldest first. Postgres stays the source of truth. */
export interface RecentMessagesCache {
  /** Appends one message and trims the list to the newest RECENT_MESSAGES. */
  push(message: MessageDTO): Promise<void>;
  /** The cached messages in push order, or null when nothing is cached for the chat. */
  read(chatId: string): Promise<MessageDTO[] | null>;
  /** Replaces the chat's list, after a miss was served from Postgres. */
  replace(chatId: string, messages: MessageDTO[]): Promise<void>;
}

// Only ever written by this module from a MessageDTO; checked on the way back all the same.
const messageSchema = z.object({
  id: z.string(),
  chatId: z.string(),
  seq: z.number().int(),
  senderId: z.string(),
  clientId: z.string(),
  kind: z.enum(['text', 'system']),
  body: z.string(),
  event: z.custom<SystemEvent>((value) => typeof value === 'object').nullable(),
  replyTo: z
    .object({ id: z.string(), seq: z.number().int(), senderId: z.string(), snippet: z.string(), deleted: z.boolean() })
    .nullable(),
  mentionIds: z.array(z.string()),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
  reactions: z.array(z.object({ emoji: z.string(), userIds: z.array(z.string()) })),
  version: z.number().int(),
  createdAt: z.string(),
});

export function createRedisRecentMessages(redis: Redis, prefix: string): RecentMessagesCache {
  const key = (chatId: string) => `${prefix}chat:${chatId}:recent`;
  return {
    async push(message) {
      // Push and trim in one MULTI, so no reader ever sees more than RECENT_MESSAGES.
      await redis.multi().rpush(key(message.chatId), JSON.stringify(message)).ltrim(key(message.chatId), -RECENT_MESSAGES, -1).exec();
    },
    async read(chatId) {
      const raw = await redis.lrange(key(chatId), 0, -1);
      if (raw.length === 0) return null;
      return raw.map((entry) => messageSchema.parse(JSON.parse(entry)));
    },
    async replace(chatId, messages) {
      const tx = redis.multi().del(key(chatId));
      if (messages.length > 0) tx.rpush(key(chatId), ...messages.slice(-RECENT_MESSAGES).map((m) => JSON.stringify(m)));
      await tx.exec();
    },
  };
}

/** The same interface in process memory, for a single instance without Redis. Holds at most `maxChats` chats (LRU). */
export function createMemoryRecentMessages(maxChats = 10_000): RecentMessagesCache {
  const lists = new Map<string, MessageDTO[]>();
  const touch = (chatId: string, list: MessageDTO[]) => {
    lists.delete(chatId);
    lists.set(chatId, list);
    if (lists.size > maxChats) lists.delete(lists.keys().next().value!);
  };
  return {
    async push(message) {
      touch(message.chatId, [...(lists.get(message.chatId) ?? []), message].slice(-RECENT_MESSAGES));
    },
    async read(chatId) {
      const list = lists.get(chatId);
      if (!list) return null;
      touch(chatId, list);
      return [...list];
    },
    async replace(chatId, messages) {
      if (messages.length === 0) lists.delete(chatId);
      else touch(chatId, messages.slice(-RECENT_MESSAGES));
    },
  };
}

// server.ts and Next's bundle load separate copies of this module: they share the cache and its repair list.
const globalForCache = globalThis as unknown as { parleyRecentMessages?: RecentMessagesCache; parleyStaleChats?: Set<string> };
const staleChats = (globalForCache.parleyStaleChats ??= new Set());
/** Beyond this many stale chats during one outage, reads still stay correct: isCompleteTail refuses stale lists. */
const MAX_STALE_CHATS = 10_000;

export function getRecentMessagesCache(): RecentMessagesCache {
  if (!globalForCache.parleyRecentMessages) {
    const redis = getRedis();
    if (redis) {
      const cache = createRedisRecentMessages(redis.command, getRedisPrefix());
      // When Redis comes back, rebuild what the outage left stale from Postgres, the source of truth.
      redis.command.on('ready', () => void rebuildStaleChats(cache));
      globalForCache.parleyRecentMessages = cache;
    } else {
      globalForCache.parleyRecentMessages = createMemoryRecentMessages();
    }
  }
  return globalForCache.parleyRecentMessages;
}

async function rebuildStaleChats(cache: RecentMessagesCache): Promise<void> {
  if (staleChats.size === 0) return;
  for (const chatId of [...staleChats]) {
    try {
      await cache.replace(chatId, await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
      staleChats.delete(chatId);
    } catch (error) {
      logCacheFailure('rebuild', chatId, error);
      return; // Still down (or Postgres is): the next 'ready' tries again.
    }
  }
  logger.info('recent_cache_rebuilt');
}

/**
 * A cached list (sorted by seq) is trusted only if it is exactly the newest messages up to at least the
 * chat's last number as the caller read it: a push that failed or raced a refill shows up as a gap or a
 * stale end, and counts as a miss.
 */
export function isCompleteTail(messages: MessageDTO[], lastSeq: number): boolean {
  const newest = messages.at(-1)?.seq;
  if (newest === undefined || newest < lastSeq) return false;
  const expected = Math.min(RECENT_MESSAGES, newest);
  if (messages.length !== expected) return false;
  return messages.every((message, index) => message.seq === newest - expected + 1 + index);
}

/** Logs a failed cache operation and remembers the chat, so its list is rebuilt when Redis is back. */
export function logCacheFailure(operation: string, chatId: string, error: unknown) {
  if (operation !== 'rebuild' && staleChats.size < MAX_STALE_CHATS) staleChats.add(chatId);
  logger.warn('recent_cache_failed', { operation, chatId, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The newest messages of a chat, oldest first: from the cache when it holds the complete tail,
 * otherwise from Postgres, refilling the cache. A cache failure is logged and served from Postgres.
 */
export async function getRecentMessages(input: { chatId: string; lastSeq: number }): Promise<MessageDTO[]> {
  if (input.lastSeq === 0) return [];
  const cache = getRecentMessagesCache();
  try {
    const cached = await cache.read(input.chatId);
    const sorted = cached?.sort((a, b) => a.seq - b.seq);
    if (sorted && isCompleteTail(sorted, input.lastSeq)) return sorted;
  } catch (error) {
    logCacheFailure('read', input.chatId, error);
  }
  const fresh = await listRecentMessages({ chatId: input.chatId, limit: RECENT_MESSAGES });
  await cache.replace(input.chatId, fresh).catch((error) => logCacheFailure('replace', input.chatId, error));
  return fresh;
}
