import type { Redis } from 'ioredis';
import { getSql } from '@/db';
import { isDraining } from './lifecycle';
import { getRedis } from './redis';

/** A dependency slower than this counts as down: a readiness probe must answer quickly either way. */
export const READINESS_TIMEOUT_MS = 1000;

export type Readiness =
  | { ready: boolean; postgres: boolean; redis: boolean | null }
  | { ready: false; draining: true };

/** True if `check` resolves within the timeout; false if it rejects, throws or takes longer. */
async function answers(check: () => PromiseLike<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          () => true,
          () => false,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The command client has no offline queue: wait for its connection (just started, or coming back) before PING. */
async function pingRedis(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error('redis is not connected'));
      }, timeoutMs);
      client.once('ready', onReady);
    });
  }
  await client.ping();
}

/**
 * Whether this instance should get traffic: not draining, Postgres answers and, when configured, Redis answers.
 * `redis` is null in single-process mode (no REDIS_URL).
 */
export async function checkReadiness(timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  if (isDraining()) return { ready: false, draining: true };
  const redis = getRedis();
  const [postgres, redisUp] = await Promise.all([
    answers(() => getSql()`select 1`, timeoutMs),
    redis ? answers(() => pingRedis(redis.command, timeoutMs), timeoutMs) : Promise.resolve(null),
  ]);
  return { ready: postgres && redisUp !== false, postgres, redis: redisUp };
}
