import { getRedisPrefix } from './env';
import { logger } from './logger';
import { getRedis } from './redis';

/**
 * Counts events per key in fixed windows: in Redis when configured (shared by every instance), in
 * process memory otherwise or while Redis is unreachable, so a limit never lapses during an outage.
 */
export interface WindowCounter {
  /** The current count of `key` in its window. */
  count(key: string): Promise<number>;
  /** Adds one to `key` and returns the new count. */
  increment(key: string): Promise<number>;
}

export function createMemoryWindowCounter(windowMs: number, maxKeys = 100_000): WindowCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const current = (key: string) => {
    const window = windows.get(key);
    if (window && window.resetAt > Date.now()) return window;
    windows.delete(key);
    return undefined;
  };
  return {
    async count(key) {
      return current(key)?.count ?? 0;
    },
    async increment(key) {
      const window = current(key) ?? { count: 0, resetAt: Date.now() + windowMs };
      window.count += 1;
      windows.set(key, window);
      // Bounded memory: drop the oldest keys first (Map keeps insertion order).
      while (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      return window.count;
    },
  };
}

export function createWindowCounter(name: string, windowMs: number): WindowCounter {
  const memory = createMemoryWindowCounter(windowMs);
  const redisKey = (key: string) => `${getRedisPrefix()}ratelimit:${name}:${key}`;
  const fallback = (error: unknown) => {
    logger.warn('rate_limit_redis_failed', { name, message: error instanceof Error ? error.message : String(error) });
  };
  return {
    async count(key) {
      const redis = getRedis();
      if (!redis) return memory.count(key);
      try {
        return Math.max(Number((await redis.command.get(redisKey(key))) ?? 0), await memory.count(key));
      } catch (error) {
        fallback(error);
        return memory.count(key);
      }
    },
    async increment(key) {
      const redis = getRedis();
      const local = await memory.increment(key);
      if (!redis) return local;
      try {
        const [[, value] = []] = (await redis.command.multi().incr(redisKey(key)).pexpire(redisKey(key), windowMs, 'NX').exec()) ?? [];
        return Math.max(Number(value ?? 0), local);
      } catch (error) {
        fallback(error);
        return local;
      }
    },
  };
}

/**
 * A token bucket per key, in process memory: `capacity` events at once, refilled at `perSecond`.
 * Cheap enough to sit in front of every message send.
 */
export function createTokenBucket({ capacity, perSecond, maxKeys = 100_000 }: { capacity: number; perSecond: number; maxKeys?: number }) {
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  return {
    take(key: string, now = Date.now()): boolean {
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
      bucket.updatedAt = now;
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
