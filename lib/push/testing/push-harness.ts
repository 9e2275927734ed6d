/**
 * Setup shared by the Web Push integration tests: a realtime server whose push queue sends to a loopback push
 * service over real TLS, devices registered for users (each with its own key pair), and tabs that state visibility.
 */
import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { io as connectClient } from 'socket.io-client';
import { savePushSubscription } from '@/db/queries/push';
import type { User } from '@/db/schema';
import { cookieHeader, mintSessionToken, startRealtimeServer, WAIT_MS, type TestRealtimeServer, type TestSocket } from '@/lib/testing/harness';
import type { PushPayload } from '../payload';
import { createPushQueue, type PushQueue } from '../queue';
import type { VapidDetails } from '../vapid';
import { startTestPushService, type PushRequest, type TestPushService } from './push-service';
import { decryptAes128gcm, makeSubscriptionKeys, type TestSubscriptionKeys } from './web-push-crypto';

export type PushTest = {
  server: TestRealtimeServer;
  service: TestPushService;
  queue: PushQueue;
  vapid: VapidDetails;
  /** Registers a device for the user, as the settings page would; returns the device's name on the push service. */
  addDevice(user: User, options?: { previews?: boolean }): Promise<string>;
  /** A browser tab: `visible` as its handshake states it (undefined: states nothing, like a script); on `url`, another instance. */
  openTab(user: User, visible?: boolean, url?: string): Promise<TestSocket>;
  /** Of these users, those with a visible tab, as the push queue sees them (every instance). */
  listVisible(userIds: string[]): Promise<Set<string>>;
  /** The pushes the service received for a device, decrypted with that device's keys. */
  received(device: string): PushPayload[];
  requestsFor(device: string): PushRequest[];
  close(): Promise<void>;
};

export async function startPushTest(options: { timeoutMs?: number } = {}): Promise<PushTest> {
  const service = await startTestPushService();
  const vapid: VapidDetails = { ...webpush.generateVAPIDKeys(), subject: 'mailto:push-test@parley.test' };
  let queue: PushQueue | undefined;
  let listVisible: ((userIds: string[]) => Promise<Set<string>>) | undefined;
  const server = await startRealtimeServer({
    createPush: (visible) => {
      listVisible = visible;
      return (queue = createPushQueue({ vapid, listVisible: visible, agent: service.agent, timeoutMs: options.timeoutMs }));
    },
  });
  if (!queue || !listVisible) throw new Error('the realtime server did not build its push queue');
  const keysByDevice = new Map<string, TestSubscriptionKeys>();
  const tabs: TestSocket[] = [];
  const requestsFor = (device: string) => service.requests.filter((request) => request.device === device);

  return {
    server,
    service,
    queue,
    vapid,
    async addDevice(user, { previews = true } = {}) {
      const device = randomUUID();
      const keys = makeSubscriptionKeys();
      keysByDevice.set(device, keys);
      await savePushSubscription({ userId: user.id, endpoint: service.endpoint(device), p256dh: keys.p256dh, auth: keys.auth, previews });
      return device;
    },
    listVisible,
    async openTab(user, visible, url = server.url) {
      const socket: TestSocket = connectClient(url, {
        transports: ['websocket'],
        extraHeaders: { cookie: cookieHeader(await mintSessionToken(user)) },
        auth: visible === undefined ? {} : { visible },
        reconnection: false,
        forceNew: true,
        timeout: WAIT_MS,
      });
      tabs.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    },
    received: (device) =>
      requestsFor(device).map((request) => JSON.parse(decryptAes128gcm(request.body, keysByDevice.get(device)!)) as PushPayload),
    requestsFor,
    async close() {
      for (const tab of tabs) tab.disconnect();
      await server.close();
      await service.close();
    },
  };
}
