import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import { listChatIdsForUser } from '@/db/queries/chats';
import { authenticateHandshake } from '@/lib/auth/socket';
import { getAllowedOrigins, getRedisPrefix } from '@/lib/env';
import { logger } from '@/lib/logger';
import { getRedis } from '@/lib/redis';
import { rooms, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './events';
import { registerChatHandlers } from './handlers/chat';
import { registerMessageHandlers } from './handlers/message';
import { setRealtimeServer, type RealtimeServer } from './registry';

export type { RealtimeServer };
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Far above a 4,000-character message, far below anything that could hurt: longer frames close the socket. */
const MAX_FRAME_BYTES = 64 * 1024;

export function createRealtimeServer(httpServer: HttpServer): RealtimeServer {
  const allowedOrigins = getAllowedOrigins();
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
  if (redis) io.adapter(createAdapter(redis.pub, redis.sub, { key: `${getRedisPrefix()}socket.io` }));

  io.use(async (socket, next) => {
    try {
      const session = await authenticateHandshake(socket.request.headers);
      if (!session) return next(new Error('unauthorized'));
      socket.data.userId = session.userId;
      // Join before the client hears "connect", so nothing sent after its catch-up sync can be missed.
      const chatIds = await listChatIdsForUser(session.userId);
      await socket.join([rooms.user(session.userId), ...chatIds.map(rooms.chat)]);
      next();
    } catch (error) {
      logger.error('socket_handshake_failed', { error });
      next(new Error('unavailable'));
    }
  });

  io.on('connection', (socket) => {
    registerChatHandlers(io, socket);
    registerMessageHandlers(io, socket);
  });

  setRealtimeServer(io);
  return io;
}
