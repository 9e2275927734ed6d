import { getPresenceFacts, listContacts, markLastSeen } from '@/db/queries/presence';
import { logger } from '@/lib/logger';
import { rooms, type PresenceDTO } from './events';
import { PRESENCE_HEARTBEAT_MS, type PresenceStore } from './presence-store';
import type { RealtimeServer } from './registry';

// The store lives in server.ts's module copy; pages (Next's copy) read it here.
const globalForPresence = globalThis as unknown as { parleyPresence?: PresenceStore };

const LAST_SEEN_REFRESH_MS = 60_000;

/**
 * Tells everyone who shares a 1:1 chat with the user, each with what their privacy settings allow them to see.
 * `at` is when the store decided (online or offline), not when the announcement got out: a connect and a
 * disconnect racing through their database writes must not let the earlier decision look like the later one.
 */
async function announce(io: RealtimeServer, userId: string, online: boolean, lastSeenAt: Date | null, at = new Date().toISOString()) {
  const [subject, contacts] = await Promise.all([getPresenceFacts(userId), listContacts(userId)]);
  for (const contact of contacts) {
    const hidden = subject?.hideLastSeen || contact.hideLastSeen;
    const presence: PresenceDTO = { userId, online, lastSeenAt: online || hidden || !lastSeenAt ? null : lastSeenAt.toISOString(), at };
    io.to(rooms.user(contact.userId)).emit('presence:update', presence);
  }
}

/** Tracks sockets per user across instances and announces online/offline; returns hooks for the server. */
export function startPresence(io: RealtimeServer, store: PresenceStore) {
  globalForPresence.parleyPresence = store;
  const failed = (error: unknown) => logger.warn('presence_failed', { message: error instanceof Error ? error.message : String(error) });

  const heartbeat = setInterval(async () => {
    try {
      // Users whose instance died: their claims expired; announce them with the last stamp they got.
      for (const userId of await store.heartbeat()) await announce(io, userId, false, (await getPresenceFacts(userId))?.lastSeenAt ?? null);
    } catch (error) {
      failed(error);
    }
  }, PRESENCE_HEARTBEAT_MS);
  // "Last seen" stays within a minute even if this process dies without a goodbye.
  const stamp = setInterval(() => void markLastSeen(store.localUsers()).catch(failed), LAST_SEEN_REFRESH_MS);
  heartbeat.unref();
  stamp.unref();

  return {
    async connected(userId: string) {
      try {
        if (await store.add(userId)) {
          const at = new Date().toISOString();
          await markLastSeen([userId]);
          await announce(io, userId, true, null, at);
        }
      } catch (error) {
        failed(error);
      }
    },
    async disconnected(userId: string) {
      try {
        if (await store.remove(userId)) {
          const at = new Date().toISOString();
          await announce(io, userId, false, await markLastSeen([userId]), at);
        }
      } catch (error) {
        failed(error);
      }
    },
    stop() {
      clearInterval(heartbeat);
      clearInterval(stamp);
    },
  };
}

/** What `viewerId` may know about `userId`'s presence right now (for a page render). */
export async function getPresence(viewerId: string, userId: string): Promise<PresenceDTO> {
  const at = new Date().toISOString();
  const store = globalForPresence.parleyPresence;
  const [online, subject, viewer] = await Promise.all([
    store ? store.listOnline([userId]).then((set) => set.has(userId)).catch(() => false) : Promise.resolve(false),
    getPresenceFacts(userId),
    getPresenceFacts(viewerId),
  ]);
  const hidden = subject?.hideLastSeen || viewer?.hideLastSeen;
  return { userId, online, lastSeenAt: online || hidden || !subject?.lastSeenAt ? null : subject.lastSeenAt.toISOString(), at };
}
