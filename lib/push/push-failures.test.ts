import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPushDevice } from '@/db/queries/push';
import { data, makeGroup } from '@/lib/realtime/handlers/message-test-kit';
import { closeTestServices, makeChat, nextEvent, sendMessage, waitFor } from '@/lib/testing/harness';
import { installQueryLog, type QueryLog } from '@/lib/testing/query-log';
import type { MessageDTO } from '@/lib/realtime/events';
import { createPushQueue } from './queue';
import { startPushTest, type PushTest } from './testing/push-harness';

/** What a push service's answers do to subscriptions, that a dead one delays nothing, and what a drain costs Postgres. */
let t: PushTest;
let queries: QueryLog;

beforeAll(async () => {
  // Before anything touches the database: it counts the statements of the app's own pool.
  queries = installQueryLog();
  t = await startPushTest();
});

afterAll(async () => {
  await t?.close();
  await closeTestServices();
});

describe('push service answers', () => {
  it('404 and 410 remove the subscription; 500 keeps it (the service may be back)', async () => {
    const { users, chatId } = await makeGroup(4);
    const [sender, ...recipients] = users;
    const devices = await Promise.all(recipients.map((user) => t.addDevice(user)));
    const answers = [404, 410, 500] as const;
    devices.forEach((device, index) => t.service.answer(device, answers[index]!));
    const endpointOf = (index: number) => ({ userId: recipients[index]!.id, endpoint: t.service.endpoint(devices[index]!) });
    for (const index of [0, 1, 2]) expect(await getPushDevice(endpointOf(index))).toEqual({ previews: true });

    data(await sendMessage(await t.openTab(sender!), { chatId, body: 'anyone there?' }));
    await t.queue.idle();

    for (const device of devices) expect(t.requestsFor(device)).toHaveLength(1);
    expect(await getPushDevice(endpointOf(0))).toBeNull();
    expect(await getPushDevice(endpointOf(1))).toBeNull();
    expect(await getPushDevice(endpointOf(2))).toEqual({ previews: true });
  });

  it('a push service that never answers delays no message: acks and broadcasts arrive while its request is pending', async () => {
    const { a, b, chatId } = await makeChat();
    const device = await t.addDevice(b);
    t.service.answer(device, 'hang');
    const sender = await t.openTab(a);
    const recipient = await t.openTab(b, false);

    const first = nextEvent(recipient, 'message:new', (message) => message.body === 'first');
    data(await sendMessage(sender, { chatId, body: 'first' }));
    await first;
    const held = await waitFor(async () => t.requestsFor(device)[0], 'the push request to reach the push service');
    expect(held.answered).toBe(false);

    // The push service is holding the first push: the next message is stored, acknowledged and delivered regardless.
    const second = nextEvent(recipient, 'message:new', (message) => message.body === 'second');
    const ack = await sendMessage(sender, { chatId, body: 'second' });
    expect(ack).toMatchObject({ ok: true, data: { body: 'second' } });
    expect(await second).toMatchObject({ chatId, body: 'second' });
    expect(held.answered).toBe(false);
    expect(t.requestsFor(device).every((request) => !request.answered)).toBe(true);
    // The second message's push reaches the service too (in a slot of its own), and is held like the first.
    await waitFor(async () => (t.requestsFor(device).length === 2 ? true : undefined), 'the second push request');
    t.service.releaseHeld();
    await t.queue.idle();
  });
});

describe('cost', () => {
  it('one drain looks up all its messages in one statement, and a device gets only the newest of a chat', async () => {
    const { users, chatId } = await makeGroup(3);
    const other = await makeChat();
    const [sender, first, second] = users;
    const [firstDevice, secondDevice, otherDevice] = [await t.addDevice(first!), await t.addDevice(second!), await t.addDevice(other.b)];
    const socket = await t.openTab(sender!);
    const otherSocket = await t.openTab(other.a);
    // Real stored messages, each pushed once as it is sent.
    const sent = [];
    for (const body of ['one', 'two', 'three']) sent.push(data(await sendMessage(socket, { chatId, body })));
    sent.push(data(await sendMessage(otherSocket, { chatId: other.chatId, body: 'elsewhere' })));
    await t.queue.idle();
    const before = { first: t.requestsFor(firstDevice).length, second: t.requestsFor(secondDevice).length, other: t.requestsFor(otherDevice).length };

    // The same four enqueued at once, as a burst of sends would be: one drain.
    const window = queries.mark();
    for (const message of sent) t.queue.enqueue(message);
    await t.queue.idle();

    expect(window.list()).toHaveLength(1);
    expect(window.list()[0]).toMatch(/^select cm\.chat_id, .* from chat_members cm join chats c/);
    expect(t.received(firstDevice).slice(before.first).map((push) => push.body)).toEqual([`${sender!.displayName}: three`]);
    expect(t.received(secondDevice).slice(before.second).map((push) => push.body)).toEqual([`${sender!.displayName}: three`]);
    expect(t.received(otherDevice).slice(before.other).map((push) => push.body)).toEqual(['elsewhere']);
  });
});

describe('bounds', () => {
  it('a full queue drops what comes next (with a warning) instead of growing', async () => {
    const queue = createPushQueue({ vapid: t.vapid, agent: t.service.agent, listVisible: async () => new Set(), maxQueued: 2 });
    const chats = [await makeChat(), await makeChat(), await makeChat()];
    const devices = await Promise.all(chats.map((chat) => t.addDevice(chat.b)));
    const message = (chat: (typeof chats)[number]): MessageDTO => ({
      id: randomUUID(), chatId: chat.chatId, seq: 1, senderId: chat.a.id, clientId: randomUUID(), kind: 'text', body: 'queued', attachments: [], event: null,
      replyTo: null, mentionIds: [], editedAt: null, deleted: false, reactions: [], version: 0, createdAt: new Date().toISOString(),
    });
    for (const chat of chats) queue.enqueue(message(chat));
    await queue.idle();
    queue.stop();
    expect(devices.map((device) => t.requestsFor(device).length)).toEqual([1, 1, 0]);
  });
});
