import { logger } from '@/lib/logger';
import { visibilitySchema } from './events';
import { PRESENCE_HEARTBEAT_MS, type PresenceStore } from './presence-store';
import type { RealtimeSocket } from './server';

/**
 * Which users have a tab open and visible, across instances: a push is for someone who would not see the message
 * otherwise. A second PresenceStore (its own Redis keys) counts each user's visible sockets, so a crashed instance's
 * claims expire as presence's do. A socket that never states its visibility (a script, the benchmark's generators)
 * counts as visible: only a tab that says it is hidden makes its user reachable by push.
 */
export function startVisibility(store: PresenceStore) {
  const failed = (error: unknown) => logger.warn('visibility_failed', { message: error instanceof Error ? error.message : String(error) });
  // Renews this instance's claims; users whose every claim expired simply stop counting, nobody is told.
  const heartbeat = setInterval(() => void store.heartbeat().catch(failed), PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();

  // Each socket's state flips only here, synchronously, before the store is told: the store's own counts are
  // updated synchronously too, so a quick hide/show/disconnect sequence cannot be counted out of order.
  const set = (socket: RealtimeSocket, visible: boolean) => {
    const { userId } = socket.data;
    const before = socket.data.visible !== false;
    socket.data.visible = visible;
    if (before === visible) return;
    void (visible ? store.add(userId) : store.remove(userId)).catch(failed);
  };

  return {
    connected(socket: RealtimeSocket) {
      // The handshake's `auth` as a browser tab sends it (components/realtime-provider.tsx); anything else states nothing.
      const stated = visibilitySchema.safeParse(socket.handshake.auth);
      socket.data.visible = stated.success ? stated.data.visible : true;
      if (socket.data.visible) void store.add(socket.data.userId).catch(failed);
      socket.on('visibility:set', (payload: unknown) => {
        const parsed = visibilitySchema.safeParse(payload);
        if (parsed.success) set(socket, parsed.data.visible);
      });
      socket.on('disconnect', () => {
        if (socket.data.visible !== false) void store.remove(socket.data.userId).catch(failed);
      });
    },
    /** Of these users, those with a visible tab now (on any instance). */
    listVisible: (userIds: string[]) => store.listOnline(userIds),
    stop: () => clearInterval(heartbeat),
  };
}
