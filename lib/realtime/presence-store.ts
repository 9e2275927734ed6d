import type { Redis } from 'ioredis';

/** Who is online, across instances. Each instance counts its own sockets; the store combines instances. */
export interface PresenceStore {
  /** One more socket of the user here; true when the user just came online (had no socket anywhere). */
  add(userId: string): Promise<boolean>;
  /** One socket fewer here; true when the user has no socket left anywhere. */
  remove(userId: string): Promise<boolean>;
  listOnline(userIds: string[]): Promise<Set<string>>;
  /** Users with a socket on this instance. */
  localUsers(): string[];
  /** Renews this instance's claims; returns users whose every claim expired (their instance died). */
  heartbeat(): Promise<string[]>;
}

function createLocalCounts() {
  const counts = new Map<string, number>();
  return {
    counts,
    increment: (userId: string) => {
      const next = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, next);
      return next;
    },
    decrement: (userId: string) => {
      const next = (counts.get(userId) ?? 1) - 1;
      if (next <= 0) counts.delete(userId);
      else counts.set(userId, next);
      return next;
    },
  };
}

export function createMemoryPresenceStore(): PresenceStore {
  const local = createLocalCounts();
  return {
    add: async (userId) => local.increment(userId) === 1,
    remove: async (userId) => local.decrement(userId) === 0,
    listOnline: async (userIds) => new Set(userIds.filter((id) => local.counts.has(id))),
    localUsers: () => [...local.counts.keys()],
    heartbeat: async () => [],
  };
}

/** A claim lives this long without a heartbeat: a crashed instance's users go offline within TTL + one sweep. */
export const PRESENCE_TTL_MS = 40_000;
export const PRESENCE_HEARTBEAT_MS = 15_000;

/**
 * Per user, a sorted set of the instances holding a socket of theirs, scored by when the claim expires;
 * plus one sorted set of online users by their latest expiry, which lets any instance sweep the dead.
 */
export function createRedisPresenceStore(redis: Redis, prefix: string, instanceId: string): PresenceStore {
  const local = createLocalCounts();
  const userKey = (userId: string) => `${prefix}presence:user:${userId}`;
  const onlineKey = `${prefix}presence:online`;
  const expiry = () => Date.now() + PRESENCE_TTL_MS;

  return {
    async add(userId) {
      if (local.increment(userId) > 1) return false;
      const until = expiry();
      const results = await redis
        .multi()
        .zadd(userKey(userId), until, instanceId)
        .zadd(onlineKey, 'GT', until, userId)
        .zcount(userKey(userId), Date.now(), '+inf')
        .exec();
      return Number(results?.[2]?.[1] ?? 0) === 1;
    },
    async remove(userId) {
      if (local.decrement(userId) > 0) return false;
      const results = await redis.multi().zrem(userKey(userId), instanceId).zcount(userKey(userId), Date.now(), '+inf').exec();
      if (Number(results?.[1]?.[1] ?? 0) > 0) return false;
      await redis.zrem(onlineKey, userId);
      return true;
    },
    async listOnline(userIds) {
      if (userIds.length === 0) return new Set();
      const pipeline = redis.pipeline();
      for (const userId of userIds) pipeline.zcount(userKey(userId), Date.now(), '+inf');
      const results = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, index) => Number(results[index]?.[1] ?? 0) > 0));
    },
    localUsers: () => [...local.counts.keys()],
    async heartbeat() {
      const until = expiry();
      const renew = redis.pipeline();
      for (const userId of local.counts.keys()) renew.zadd(userKey(userId), until, instanceId).zadd(onlineKey, 'GT', until, userId);
      await renew.exec();
      const now = Date.now();
      const candidates = await redis.zrangebyscore(onlineKey, '-inf', now, 'LIMIT', 0, 500);
      const expired: string[] = [];
      for (const userId of candidates) {
        if ((await redis.zcount(userKey(userId), now, '+inf')) > 0) continue;
        // ZREM answers 1 to exactly one instance: only that one announces the user offline.
        if ((await redis.zrem(onlineKey, userId)) === 1) expired.push(userId);
      }
      return expired;
    },
  };
}
