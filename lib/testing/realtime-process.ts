/**
 * A second realtime server process for tests: `node --import tsx lib/testing/realtime-process.ts`.
 * Uses the same env as the test run (DATABASE_URL, REDIS_URL, REDIS_PREFIX, AUTH_SECRET), listens on
 * 127.0.0.1:0 and prints `{"port":N}` on stdout once its Redis adapter is subscribed.
 * Stops on SIGTERM, or when its parent closes stdin (so a crashed test run leaves no orphan).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeDb } from '@/db';
import { createRealtimeServer } from '@/lib/realtime/server';
import { closeRedis, getRedis } from '@/lib/redis';

const httpServer = createServer();
const io = createRealtimeServer(httpServer);

const redis = getRedis();
if (!redis) throw new Error('realtime-process: REDIS_URL is not set; a second process is pointless without it');
// The adapter subscribed in its constructor; replies come in order, so once PING answers, it is subscribed.
await redis.sub.ping();

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (httpServer.address() as AddressInfo).port })}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await new Promise<void>((resolve) => io.close(() => resolve()));
  await Promise.allSettled([closeDb(), closeRedis()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
