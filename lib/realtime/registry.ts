import type { Server } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './events';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

// Server actions run in Next's bundle, a separate module copy in the same process: they find io here,
// without importing the socket server itself.
const globalForIo = globalThis as unknown as { parleyIo?: RealtimeServer };

export function setRealtimeServer(io: RealtimeServer | undefined): void {
  globalForIo.parleyIo = io;
}

export function getRealtimeServer(): RealtimeServer | undefined {
  return globalForIo.parleyIo;
}
