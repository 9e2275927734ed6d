/**
 * B1 for scenarios (a) and (c): bare Socket.IO (in-memory adapter, websocket only, no deflate, as bench/relays.ts's B1)
 * where rooms are what a client names: it connects with `auth: {rooms: [...]}` and joins them all at the handshake,
 * as a Parley socket joins its user, session and chat rooms; `message:send {room, …}` is broadcast as `message:new`
 * to the whole room (the sender too, as Parley does) and acked. No auth, validation or Postgres: the floor under P1.
 * Run with --expose-gc: the IPC request `{id, op: 'memory'}` answers `{id, ok, value: process.memoryUsage()}` after
 * a full collection, the same protocol as lib/testing/instance-process.ts. Prints `{"port":N}`; stops on SIGTERM or
 * when the parent goes.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serveOnLoopback } from './listen';

const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'], perMessageDeflate: false });

// Joined in a middleware, before the client hears "connect", as Parley does.
io.use((socket, next) => {
  const { rooms } = socket.handshake.auth as { rooms?: unknown };
  if (Array.isArray(rooms)) void socket.join(rooms.map(String));
  next();
});
io.on('connection', (socket) => {
  socket.on('message:send', (payload: { room: string }, ack?: (reply: unknown) => void) => {
    io.to(payload.room).emit('message:new', payload);
    ack?.({ ok: true });
  });
});

process.on('message', (request: { id: number; op: string }) => {
  if (request.op !== 'memory') return void process.send?.({ id: request.id, ok: false, error: `unknown op ${request.op}` });
  globalThis.gc?.();
  process.send?.({ id: request.id, ok: true, value: process.memoryUsage() });
});

await serveOnLoopback(httpServer);
