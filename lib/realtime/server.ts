import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import os from 'node:os';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import { listChatIdsForUser } from '@/db/queries/chats';
import { authenticateHandshake } from '@/lib/auth/socket';
import { getAllowedOrigins, getEnv, getRedisPrefix } from '@/lib/env';
import { createTokenBucket } from '@/lib/rate-limit';
import { logger } from '@/lib/logger';
import { createPushQueue, type PushQueue } from '@/lib/push/queue';
import { getVapidDetails } from '@/lib/push/vapid';
import { getRedis } from '@/lib/redis';
import { rooms, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './events';
import { registerChatHandlers } from './handlers/chat';
import { registerMessageHandlers } from './handlers/message';
import { registerMessageChangeHandlers } from './handlers/message-changes';
import { registerReceiptHandlers } from './handlers/receipt';
import { registerTypingHandlers } from './handlers/typing';
import { startPresence } from './presence';
import { startVisibility } from './presence-visibility';
import { createMemoryPresenceStore, createRedisPresenceStore } from './presence-store';
import { createReceiptBuffer } from './receipts';
import { setRealtimeServer, type RealtimeServer } from './registry';

export type { RealtimeServer };
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Far above a 4,000-character message, far below anything that could hurt: longer frames close the socket. */
const MAX_FRAME_BYTES = 64 * 1024;

type RealtimeOptions = {
  /** Names this process in Redis presence claims; any value unique among the live instances. */
  instanceId?: string;
  /** Messages per user on this instance: a burst of `capacity`, refilled at `perSecond` (default from the environment). */
  sendRate?: { capacity: number; perSecond: number };
  /**
   * Builds the Web Push queue, given who has a visible tab; null turns pushes off. Default: on when VAPID keys are
   * configured (server.ts always has them), with the default sender. Tests pass one that trusts their push service.
   */
  createPush?: (listVisible: (userIds: string[]) => Promise<Set<string>>) => PushQueue | null;
};

function createDefaultPush(listVisible: (userIds: string[]) => Promise<Set<string>>): PushQueue | null {
  const vapid = getVapidDetails();
  return vapid ? createPushQueue({ vapid, listVisible }) : null;
}

/** How long a stopping server lets pushes already queued go out (they read Postgres and Redis). */
const PUSH_SETTLE_MS = 2_000;

/** The push queue of the server this process runs (server.ts), for its shutdown. */
let shutdownPush: PushQueue | null = null;

function settle(push: PushQueue): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, PUSH_SETTLE_MS)));
  return Promise.race([push.idle(), timeout]).finally(() => clearTimeout(timer));
}

/** Shutdown: waits (briefly) for the pushes already queued before the database they read is closed. */
export async function settlePushes(): Promise<void> {
  if (shutdownPush) await settle(shutdownPush);
}

export function createRealtimeServer(httpServer: HttpServer, options: RealtimeOptions = {}): RealtimeServer {
  const env = getEnv();
  const instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const allowedOrigins = getAllowedOrigins(env);
  // Enough for people, not for a flood; checked before a send costs any I/O.
  const sendLimit = createTokenBucket(options.sendRate ?? { capacity: env.SEND_RATE_BURST, perSecond: env.SEND_RATE_PER_SECOND });
  const io: RealtimeServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_FRAME_BYTES,
    // The cors option does not stop a forged Origin; this does. Browsers always send Origin on a
    // WebSocket or cross-origin request; a request without one is not a cross-site browser request.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, origin === undefined || allowedOrigins.has(origin));
    },
  });

  const redis = getRedis();
  if (redis) {
    // Redis 7 sharded pub/sub; "dynamic" gives each chat room its own channel, so an instance hears only
    // the rooms its own sockets are in.
    io.adapter(createShardedAdapter(redis.pub, redis.sub, { channelPrefix: `${getRedisPrefix(env)}socket.io`, subscriptionMode: 'dynamic' }));
    // Broadcasts published while Redis was away never arrive: once it is back (ioredis has re-subscribed),
    // tell this instance's clients to catch up from Postgres.
    let connectedBefore = false;
    redis.sub.on('ready', () => {
      if (connectedBefore) {
        // The PING answers after the re-subscriptions queued before it: from then on, nothing is missed live.
        void redis.sub
          .ping()
          .then(() => {
            logger.info('redis_resubscribed');
            io.local.emit('sync:required');
          })
          .catch((error: Error) => logger.warn('redis_resubscribe_check_failed', { message: error.message }));
      }
      connectedBefore = true;
    });
  }

  io.use(async (socket, next) => {
    try {
      const session = await authenticateHandshake(socket.request.headers);
      if (!session) return next(new Error('unauthorized'));
      socket.data.userId = session.userId;
      socket.data.sessionId = session.sessionId;
      // Join before the client hears "connect", so nothing sent after its catch-up sync can be missed.
      const chatIds = await listChatIdsForUser(session.userId);
      await socket.join([rooms.user(session.userId), rooms.session(session.sessionId), ...chatIds.map(rooms.chat)]);
      // A removal (or an addition) that committed after the list above may have moved this user's sockets before this
      // one joined: read the list again (one query per connection, none per message) and settle the difference.
      const current = await listChatIdsForUser(session.userId);
      for (const chatId of chatIds) if (!current.includes(chatId)) await socket.leave(rooms.chat(chatId));
      await socket.join(current.filter((chatId) => !chatIds.includes(chatId)).map(rooms.chat));
      next();
    } catch (error) {
      logger.error('socket_handshake_failed', { error });
      next(new Error('unavailable'));
    }
  });

  const presence = startPresence(
    io,
    redis ? createRedisPresenceStore(redis.command, getRedisPrefix(env), instanceId) : createMemoryPresenceStore(),
  );
  // Visible tabs, counted like presence but under keys of their own: pushes go to users with none.
  const visibility = startVisibility(
    redis ? createRedisPresenceStore(redis.command, `${getRedisPrefix(env)}visible:`, instanceId) : createMemoryPresenceStore(),
  );
  const push = (options.createPush ?? createDefaultPush)(visibility.listVisible);
  shutdownPush = push;
  const receipts = createReceiptBuffer(io);
  httpServer.on('close', () => {
    presence.stop();
    visibility.stop();
    // Messages acknowledged before the close still get their pushes, briefly (server.ts waits for the same).
    if (push) void settle(push).then(() => push.stop());
  });

  io.on('connection', (socket) => {
    // The middleware above has read the cookie and nothing reads the handshake's headers again, but engine.io keeps
    // the upgrade request referenced for the socket's whole life (its WebSocket response object holds it too, so
    // dropping socket.request alone frees nothing): empty its headers instead, the session token's two copies included.
    socket.request.headers = {};
    socket.request.rawHeaders = [];
    socket.handshake.headers = {};
    registerChatHandlers(io, socket);
    registerMessageHandlers(io, socket, sendLimit, push);
    registerMessageChangeHandlers(io, socket, sendLimit);
    registerTypingHandlers(io, socket);
    registerReceiptHandlers(io, socket, receipts);
    visibility.connected(socket);
    void presence.connected(socket.data.userId);
    socket.on('disconnect', () => void presence.disconnected(socket.data.userId));
  });

  setRealtimeServer(io);
  return io;
}
