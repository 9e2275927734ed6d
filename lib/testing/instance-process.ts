/**
 * One app instance for fault and security tests, run as its own OS process by lib/testing/instance.ts:
 * the realtime server as server.ts wires it (without Next), configured only by env, plus a control channel
 * (Node IPC) through which a test calls app functions inside this process.
 *
 * Env besides the app's own: PARLEY_TEST_MIGRATE=1 migrates DATABASE_URL first; PARLEY_TEST_AWAIT_REDIS=0
 * starts without waiting for Redis (to start against a Redis that is down). Prints `{"port":N}` when ready.
 * Adds no error handlers of its own: an unhandled rejection ends it exactly as it would end server.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeDb } from '@/db';
import { getOrCreateDirectChat } from '@/db/queries/chats';
import { createUser } from '@/db/queries/users';
import { runMigrations } from '@/db/migrate';
import { isSignInBlocked, recordSignInFailure } from '@/lib/auth/sign-in-limits';
import { disconnectOtherSessions, disconnectSession } from '@/lib/realtime/notify';
import { createRealtimeServer } from '@/lib/realtime/server';
import { closeRedis, getRedis } from '@/lib/redis';

if (process.env.PARLEY_TEST_MIGRATE === '1') await runMigrations();

const httpServer = createServer();
const io = createRealtimeServer(httpServer);
const redis = getRedis();
// The adapter subscribed in its constructor; replies come in order, so once PING answers, it is subscribed.
if (redis && process.env.PARLEY_TEST_AWAIT_REDIS !== '0') {
  await redis.sub.ping();
  // The command client has no offline queue: until it is ready, limits and the cache fall back to memory.
  if (redis.command.status !== 'ready') await new Promise((resolve) => redis.command.once('ready', resolve));
}

async function makeUser() {
  const username = `i_${Math.random().toString(36).slice(2, 10)}`;
  const user = await createUser({ username, displayName: username, passwordHash: 'not-a-real-hash' });
  if (!user) throw new Error('makeUser: username taken');
  return { id: user.id, sessionVersion: user.sessionVersion, displayName: user.displayName };
}

const ops = {
  async makeChat() {
    const [a, b] = [await makeUser(), await makeUser()];
    const { chatId } = await getOrCreateDirectChat({ userId: a.id, peerId: b.id });
    return { a, b, chatId };
  },
  recordSignInFailure: (input: { username: string; address: string }) => recordSignInFailure(input),
  isSignInBlocked: (input: { username: string; address: string }) => isSignInBlocked(input),
  disconnectSession: async (input: { sessionId: string }) => disconnectSession(input.sessionId),
  disconnectOtherSessions: async (input: { userId: string; keepSessionId: string }) => disconnectOtherSessions(input.userId, input.keepSessionId),
  /** Session ids of every socket on every instance, as this instance sees them through the adapter. */
  async listSessionIds() {
    return (await io.fetchSockets()).map((socket) => socket.data.sessionId);
  },
  async redisStatus() {
    return redis ? { command: redis.command.status, pub: redis.pub.status, sub: redis.sub.status } : null;
  },
  /** After a full collection when started with --expose-gc, so bench/scenario-idle.ts reads live heap, not garbage. */
  async memory() {
    globalThis.gc?.();
    return process.memoryUsage();
  },
};

export type InstanceOps = typeof ops;
export type InstanceRequest = { id: number; op: keyof InstanceOps; input: unknown };
export type InstanceReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

process.on('message', (request: InstanceRequest) => {
  const run = ops[request.op] as (input: unknown) => Promise<unknown>;
  Promise.resolve()
    .then(() => run(request.input))
    .then(
      (value): InstanceReply => ({ id: request.id, ok: true, value }),
      (error: unknown): InstanceReply => ({ id: request.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
    )
    .then((reply) => process.send?.(reply));
});

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (httpServer.address() as AddressInfo).port })}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // quit() waits for a Redis that is down: never longer than this.
  setTimeout(() => process.exit(0), 3000).unref();
  await Promise.race([new Promise<void>((resolve) => io.close(() => resolve())), new Promise((resolve) => setTimeout(resolve, 2000))]);
  await Promise.allSettled([closeDb(), closeRedis()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
// The parent went away (crashed test run): leave no orphan.
process.on('disconnect', () => void stop());
