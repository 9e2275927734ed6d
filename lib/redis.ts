import { Redis } from 'ioredis';
import { getEnv } from './env';
import { logger } from './logger';

type RedisClients = { command: Redis; pub: Redis; sub: Redis };

// server.ts and Next's bundle load separate copies of this module: share one set of connections.
const globalForRedis = globalThis as unknown as { parleyRedis?: RedisClients | null };

function create(url: string): RedisClients {
  // The command client fails fast while Redis is away: the cache is best effort and must never hold up a send.
  const command = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000, lazyConnect: false });
  // The adapter publishes before it delivers to this instance's own sockets: a publish that waited out an
  // outage would hold up local delivery too, so it gives up after 500 ms (members elsewhere catch up later).
  const pub = new Redis(url, { maxRetriesPerRequest: null, commandTimeout: 500 });
  // The subscriber must not time out: the adapter does not handle a failed (re)subscribe.
  const sub = new Redis(url, { maxRetriesPerRequest: null });
  for (const [name, client] of Object.entries({ command, pub, sub })) {
    client.on('error', (error: Error) => logger.warn('redis_error', { client: name, message: error.message }));
  }
  return { command, pub, sub };
}

/** The shared Redis connections, or null when REDIS_URL is unset (single-process mode). */
export function getRedis(): RedisClients | null {
  if (globalForRedis.parleyRedis === undefined) {
    const url = getEnv().REDIS_URL;
    globalForRedis.parleyRedis = url ? create(url) : null;
  }
  return globalForRedis.parleyRedis;
}

export async function closeRedis(): Promise<void> {
  const clients = globalForRedis.parleyRedis;
  globalForRedis.parleyRedis = undefined;
  if (!clients) return;
  await Promise.all(Object.values(clients).map((client) => client.quit().catch(() => client.disconnect())));
}
