import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data } from '@/lib/realtime/handlers/message-test-kit';
import { closeTestServices, makeChat, sendMessage, waitFor } from '@/lib/testing/harness';
import { startRealtimeProcess, type RealtimeProcess } from '@/lib/testing/second-process';
import { startPushTest, type PushTest } from './testing/push-harness';

/**
 * Visibility is shared through Redis: a tab on another instance (a separate OS process) that is visible keeps the
 * instance where the message was sent from pushing, and its "hidden" lets the push through.
 */
describe.skipIf(!process.env.REDIS_URL)('a visible tab on another instance (needs REDIS_URL)', () => {
  let t: PushTest;
  let remote: RealtimeProcess;

  beforeAll(async () => {
    [t, remote] = await Promise.all([startPushTest(), startRealtimeProcess()]);
  });

  afterAll(async () => {
    await t?.close();
    await remote?.stop();
    await closeTestServices();
  });

  const visibleHere = (userId: string, expected: boolean) =>
    waitFor(async () => ((await t.listVisible([userId])).has(userId) === expected ? true : undefined), `visible ${expected} as seen here`);

  it('holds the push while it is visible there, and lets it through once it says hidden', async () => {
    const { a, b, chatId } = await makeChat();
    const device = await t.addDevice(b);
    const sender = await t.openTab(a);
    const remoteTab = await t.openTab(b, true, remote.url);
    await visibleHere(b.id, true);

    data(await sendMessage(sender, { chatId, body: 'seen on the other instance' }));
    await t.queue.idle();
    expect(t.requestsFor(device)).toHaveLength(0);

    remoteTab.emit('visibility:set', { visible: false });
    await visibleHere(b.id, false);
    data(await sendMessage(sender, { chatId, body: 'hidden on the other instance' }));
    await t.queue.idle();
    expect(t.received(device).map((push) => push.body)).toEqual(['hidden on the other instance']);

    // A visible tab that closes releases its claim at once, not when it would expire.
    remoteTab.emit('visibility:set', { visible: true });
    await visibleHere(b.id, true);
    remoteTab.disconnect();
    await visibleHere(b.id, false);
  });
});
