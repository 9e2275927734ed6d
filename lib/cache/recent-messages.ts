import type { Redis } from 'ioredis';
import { z } from 'zod';
import { getRedisPrefix } from '@/lib/env';
import { logger } from '@/lib/logger';
import { getRedis } from '@/lib/redis';
import type { Membership } from '@/db/queries/chats';
import { getChatRevision, listMessagesBefore, listRecentMessages, listRecentMessagesWithRevision } from '@/db/queries/messages';
import { RECENT_MESSAGES, type MessageDTO, type SystemEvent } from '@/lib/realtime/events';
import { hideQuotesBefore } from '@/lib/realtime/messages';

/**
 * A chat's cached list and the chats.revision it was read at. Edits, deletions and reactions bump the revision:
 * a list made at another revision than the reader's may hold an old text, and counts as a miss.
 */
export type CachedList = { messages: MessageDTO[]; revision: number | null };

/** The newest messages of each chat, oldest first. Postgres stays the source of truth. */
export interface RecentMessagesCache {
  /**
   * Appends one new message and trims the list to the newest RECENT_MESSAGES. A list that did not exist gets
   * revision 0: it holds only new messages, which are current unless the chat was ever changed (revision > 0).
   */
  push(message: MessageDTO): Promise<void>;
  /** The cached messages in push order with their revision (null if none was stored), or null when nothing is cached. */
  read(chatId: string): Promise<CachedList | null>;
  /**
   * Replaces the chat's list and its revision in one step; an empty list removes both. Refused (a no-op) when the
   * stored revision is higher: a refill read before an edit or deletion must not put the old text back.
   */
  replace(chatId: string, messages: MessageDTO[], revision: number): Promise<void>;
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
  // Lists cached before attachments existed have none.
  attachments: z
    .array(
      z.object({
        id: z.string(),
        kind: z.enum(['image', 'file']),
        name: z.string(),
        mime: z.string(),
        size: z.number().int(),
        width: z.number().int().nullable(),
        height: z.number().int().nullable(),
      }),
    )
    .default([]),
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

/** KEYS: list, revision. ARGV: the new revision, then the entries. Leaves a list stored at a higher revision alone. */
const REPLACE_UNLESS_NEWER = `
local stored = redis.call('GET', KEYS[2])
if stored and tonumber(stored) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
if #ARGV > 1 then
  redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
  redis.call('SET', KEYS[2], ARGV[1])
end
return 1`;

export function createRedisRecentMessages(redis: Redis, prefix: string): RecentMessagesCache {
  const key = (chatId: string) => `${prefix}chat:${chatId}:recent`;
  const revisionKey = (chatId: string) => `${prefix}chat:${chatId}:recent:revision`;
  /** MULTI answers [error, result] per command; a failed command fails the whole operation. */
  const results = (replies: [Error | null, unknown][] | null) => {
    if (!replies) throw new Error('recent cache: transaction aborted');
    for (const [error] of replies) if (error) throw error;
    return replies.map(([, result]) => result);
  };
  return {
    async push(message) {
      // Push and trim in one MULTI, so no reader ever sees more than RECENT_MESSAGES.
      const { chatId } = message;
      results(
        await redis.multi().rpush(key(chatId), JSON.stringify(message)).ltrim(key(chatId), -RECENT_MESSAGES, -1).set(revisionKey(chatId), 0, 'NX').exec(),
      );
    },
    async read(chatId) {
      const [raw, revision] = results(await redis.multi().lrange(key(chatId), 0, -1).get(revisionKey(chatId)).exec()) as [string[], string | null];
      if (raw.length === 0) return null;
      return {
        messages: raw.map((entry) => messageSchema.parse(JSON.parse(entry))),
        revision: revision === null ? null : z.coerce.number().int().parse(revision),
      };
    },
    async replace(chatId, messages, revision) {
      // One script: the revision comparison and the write cannot interleave with another replace, and list and
      // revision change together (no reader sees a new list with an old revision or the reverse).
      const entries = messages.slice(-RECENT_MESSAGES).map((m) => JSON.stringify(m));
      await redis.eval(REPLACE_UNLESS_NEWER, 2, key(chatId), revisionKey(chatId), revision, ...entries);
    },
  };
}

/** The same interface in process memory, for a single instance without Redis. Holds at most `maxChats` chats (LRU). */
export function createMemoryRecentMessages(maxChats = 10_000): RecentMessagesCache {
  const lists = new Map<string, { messages: MessageDTO[]; revision: number }>();
  const touch = (chatId: string, entry: { messages: MessageDTO[]; revision: number }) => {
    lists.delete(chatId);
    lists.set(chatId, entry);
    if (lists.size > maxChats) lists.delete(lists.keys().next().value!);
  };
  return {
    async push(message) {
      const entry = lists.get(message.chatId);
      touch(message.chatId, { messages: [...(entry?.messages ?? []), message].slice(-RECENT_MESSAGES), revision: entry?.revision ?? 0 });
    },
    async read(chatId) {
      const entry = lists.get(chatId);
      if (!entry) return null;
      touch(chatId, entry);
      return { messages: [...entry.messages], revision: entry.revision };
    },
    async replace(chatId, messages, revision) {
      if ((lists.get(chatId)?.revision ?? -1) > revision) return; // a refill older than a change: keep the newer list
      if (messages.length === 0) lists.delete(chatId);
      else touch(chatId, { messages: messages.slice(-RECENT_MESSAGES), revision });
    },
  };
}

// server.ts and Next's bundle load separate copies of this module: they share the cache and its repair list.
const globalForCache = globalThis as unknown as { parleyRecentMessages?: RecentMessagesCache; parleyStaleChats?: Set<string> };
const staleChats = (globalForCache.parleyStaleChats ??= new Set());
/**
 * Beyond this many stale chats during one outage, reads still stay correct (isCompleteTail and the revision check
 * refuse stale lists, and the refill replaces them, deleted texts included).
 */
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

/** Rewrites a chat's list from Postgres at the revision read before it (the list is never older than its label). */
async function refreshList(cache: RecentMessagesCache, chatId: string): Promise<void> {
  const fresh = await listRecentMessagesWithRevision({ chatId, limit: RECENT_MESSAGES });
  if (fresh) await cache.replace(chatId, fresh.messages, fresh.revision);
}

/**
 * After an edit, deletion or reaction committed: rebuild the chat's list so it serves the change (and a deleted
 * text leaves Redis). Best effort: on failure the chat is queued for repair, and readers refuse the old list
 * anyway, since its revision is no longer the chat's.
 */
export async function refreshRecentMessages(chatId: string): Promise<void> {
  await refreshList(getRecentMessagesCache(), chatId).catch((error) => logCacheFailure('refresh', chatId, error));
}

async function rebuildStaleChats(cache: RecentMessagesCache): Promise<void> {
  if (staleChats.size === 0) return;
  for (const chatId of [...staleChats]) {
    try {
      await refreshList(cache, chatId);
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
 * The chat's newest messages, oldest first: from the cache when it holds the complete tail at the caller's
 * revision, otherwise from Postgres, refilling the cache. A cache failure is logged and served from Postgres.
 * `lastSeq` and `revision` are the chat's as the caller read them (Membership), before this call; without a
 * revision (older callers) it is read here first. Prefer getVisibleRecentMessages, which also applies the window.
 */
export async function getRecentMessages(input: { chatId: string; lastSeq: number; revision?: number }): Promise<MessageDTO[]> {
  if (input.lastSeq === 0) return [];
  const revision = input.revision ?? (await getChatRevision(input.chatId));
  if (revision === null) return [];
  const cache = getRecentMessagesCache();
  try {
    const cached = await cache.read(input.chatId);
    const sorted = cached?.messages.sort((a, b) => a.seq - b.seq);
    if (sorted && cached?.revision === revision && isCompleteTail(sorted, input.lastSeq)) return sorted;
  } catch (error) {
    logCacheFailure('read', input.chatId, error);
  }
  // Read after the caller's revision: at least as new as the label it is stored under.
  const fresh = await listRecentMessages({ chatId: input.chatId, limit: RECENT_MESSAGES });
  await cache.replace(input.chatId, fresh, revision).catch((error) => logCacheFailure('replace', input.chatId, error));
  return fresh;
}

/**
 * The newest (up to RECENT_MESSAGES) messages this member may read, oldest first, without quotes from before their
 * window. A current member's come from the chat's cached tail, cut to their window; a former member's window ended,
 * so it is read from Postgres.
 */
export async function getVisibleRecentMessages(input: { chatId: string; membership: Membership }): Promise<MessageDTO[]> {
  const { chatId, membership } = input;
  if (membership.visibleUpToSeq <= membership.visibleAfterSeq) return [];
  const { visibleAfterSeq, visibleUpToSeq } = membership;
  if (!membership.active) {
    const window = await listMessagesBefore({ chatId, beforeSeq: visibleUpToSeq + 1, afterSeq: visibleAfterSeq, limit: RECENT_MESSAGES });
    return hideQuotesBefore(window, visibleAfterSeq);
  }
  const tail = await getRecentMessages({ chatId, lastSeq: membership.lastSeq, revision: membership.revision });
  // The shared tail may already hold messages after this member's membership was read (maybe after their removal).
  const visible = tail.filter((message) => message.seq > visibleAfterSeq && message.seq <= visibleUpToSeq);
  return hideQuotesBefore(visible, visibleAfterSeq);
}
