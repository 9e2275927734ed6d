import type { Socket as TcpSocket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'socket.io';

// server.ts and Next's bundle (which serves /api/ready) load separate copies of this module: share the flag.
const globalForLifecycle = globalThis as unknown as { parleyDraining?: boolean };

/** From now on this instance reports not-ready: it is shutting down. */
export function setDraining(): void {
  globalForLifecycle.parleyDraining = true;
}

export function isDraining(): boolean {
  return globalForLifecycle.parleyDraining === true;
}

export type AckTracker = {
  /** Client events whose handler has started and not yet answered, oldest first: name and age in ms. */
  pending(): { event: string; ms: number }[];
  /**
   * Resolves true once every event pending now has been answered, or false after `timeoutMs`. Events that arrive
   * meanwhile are not waited for: on a busy instance something is always in flight.
   */
  settled(timeoutMs: number): Promise<boolean>;
};

type Pending = { event: string; since: number };

/**
 * Counts client events waiting for their ack on every socket of `io`, so a draining instance can let sends it
 * has started commit and be acknowledged before it closes the sockets. It wraps the ack in a per-socket
 * middleware registered after the app's own, so it sees only events that reach a handler.
 */
export function trackPendingAcks(io: Server): AckTracker {
  const pending = new Set<Pending>();
  const waiters = new Set<{ awaited: Set<Pending>; wake: () => void }>();
  const answered = (entry: Pending) => {
    pending.delete(entry);
    for (const waiter of waiters) {
      waiter.awaited.delete(entry);
      if (waiter.awaited.size === 0) waiter.wake();
    }
  };
  io.on('connection', (socket) => {
    socket.use((event, next) => {
      const ack: unknown = event.at(-1);
      if (typeof ack !== 'function' || socket.listenerCount(event[0]) === 0) return next();
      const entry: Pending = { event: String(event[0]), since: Date.now() };
      pending.add(entry);
      event[event.length - 1] = (...args: unknown[]) => {
        answered(entry);
        return (ack as (...args: unknown[]) => unknown)(...args);
      };
      next();
      // Socket.IO runs the handler on the next tick, or drops the event (and its ack) if the socket disconnected in
      // between, as when a client emits and disconnects at once. Queued after that tick, this sees its decision.
      process.nextTick(() => {
        if (!socket.connected) answered(entry);
      });
    });
  });
  return {
    pending: () => [...pending].map((entry) => ({ event: entry.event, ms: Date.now() - entry.since })),
    settled(timeoutMs) {
      if (pending.size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = { awaited: new Set(pending), wake: () => done(true) };
        const done = (value: boolean) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(value);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}

/**
 * Every TCP connection of `server`, upgraded WebSockets included (http.Server forgets those), so a shutdown can
 * cut the ones a client does not close: the WebSocket close handshake would otherwise wait 30 s for it.
 */
export function trackConnections(server: HttpServer): { destroyAll(): number } {
  const connections = new Set<TcpSocket>();
  server.on('connection', (connection: TcpSocket) => {
    connections.add(connection);
    connection.once('close', () => connections.delete(connection));
  });
  return {
    destroyAll() {
      const count = connections.size;
      for (const connection of connections) connection.destroy();
      return count;
    },
  };
}
