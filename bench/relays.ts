/**
 * The baselines, each run as its own process by bench/run.ts: `node --import tsx bench/relays.ts ws|socketio`.
 * B0 (`ws`): a bare WebSocket server; a client connects with `?user=N` and sends JSON `{to, id, sentAt}`,
 * which is forwarded as is to user `to`'s sockets. B1 (`socketio`): bare Socket.IO, in-memory adapter,
 * websocket transport only; a client connects with `auth: {user}`, joins its user room, and `message:send`
 * is broadcast as `message:new` to the recipient's room and acked, the shape of Parley's hot path without
 * auth, validation or Postgres. B2 (`socketio-redis PREFIX`): B1 over the Redis adapter Parley uses (sharded, dynamic
 * subscriptions, ioredis) with channels under PREFIX, so two B2 processes given one PREFIX relay between each other.
 * Listens on 127.0.0.1:0, prints `{"port":N}` (B2: once subscribed), stops on SIGTERM or when the parent goes.
 */
import { createServer } from 'node:http';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveOnLoopback } from './listen';

const kind = process.argv[2];
const httpServer = createServer();

if (kind === 'ws') {
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
  const byUser = new Map<string, Set<WebSocket>>();
  wss.on('connection', (socket, request) => {
    const user = new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? '';
    const sockets = byUser.get(user) ?? new Set<WebSocket>();
    byUser.set(user, sockets.add(socket));
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data, isBinary) => {
      const { to } = JSON.parse(data.toString()) as { to: string };
      for (const peer of byUser.get(to) ?? []) peer.send(data, { binary: isBinary });
    });
  });
} else if (kind === 'socketio' || kind === 'socketio-redis') {
  const io = new Server(httpServer, { transports: ['websocket'], perMessageDeflate: false });
  if (kind === 'socketio-redis') {
    // As lib/redis.ts and lib/realtime/server.ts set it up, less their outage handling.
    const pub = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    io.adapter(createShardedAdapter(pub, sub, { channelPrefix: `${process.argv[3] ?? 'bench-b2:'}socket.io`, subscriptionMode: 'dynamic' }));
    // Replies come in order: once PING answers, the adapter's own subscriptions are in place.
    await sub.ping();
    process.on('exit', () => [pub, sub].forEach((client) => client.disconnect()));
  }
  io.on('connection', (socket) => {
    void socket.join(`user:${String(socket.handshake.auth.user)}`);
    socket.on('message:send', (payload: { to: string }, ack?: (reply: unknown) => void) => {
      io.to(`user:${payload.to}`).emit('message:new', payload);
      ack?.({ ok: true });
    });
  });
} else {
  throw new Error(`relays.ts: unknown relay ${kind}; expected ws, socketio or socketio-redis`);
}

await serveOnLoopback(httpServer);
