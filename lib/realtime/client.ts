'use client';

import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from './events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: ClientSocket | undefined;

/** One socket per tab, shared by every component. WebSocket first, so no sticky sessions are needed. */
export function getClientSocket(): ClientSocket {
  socket ??= io({ transports: ['websocket', 'polling'], withCredentials: true, autoConnect: false });
  return socket;
}
