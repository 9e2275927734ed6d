import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTED_FOREVER, setChatMutedUntil } from '@/db/queries/chats';
import { data, makeGroup } from '@/lib/realtime/handlers/message-test-kit';
import { closeTestServices, joinChat, makeChat, nextEvent, sendMessage } from '@/lib/testing/harness';
import { PREVIEW_LENGTH } from './payload';
import { startPushTest, type PushTest } from './testing/push-harness';
import { verifyVapidHeader } from './testing/web-push-crypto';

/**
 * Web Push end to end without the internet: messages sent through the realtime server reach a push service on
 * loopback over TLS, and each push is decrypted with its device's keys (RFC 8291, our own code) and read.
 */
let t: PushTest;

beforeAll(async () => {
  t = await startPushTest();
});

afterAll(async () => {
  await t?.close();
  await closeTestServices();
});

describe('what a push carries', () => {
  it('a 1:1 message reaches the recipient’s device, encrypted to it, signed with our VAPID key for that push service; the sender gets none', async () => {
    const { a, b, chatId } = await makeChat();
    const [recipientDevice, senderDevice] = [await t.addDevice(b), await t.addDevice(a)];
    // Both tabs hidden: only being the sender keeps a's device quiet.
    const sender = await t.openTab(a, false);
    await t.openTab(b, false);

    data(await sendMessage(sender, { chatId, body: 'Hello   over\npush' }));
    await t.queue.idle();

    expect(t.received(recipientDevice)).toEqual([{ chatId, url: `/c/${chatId}`, title: a.displayName, body: 'Hello over push', tag: chatId }]);
    expect(t.requestsFor(senderDevice)).toHaveLength(0);

    const [request] = t.requestsFor(recipientDevice);
    expect(request!.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      urgency: 'high',
      ttl: String(24 * 60 * 60),
      topic: chatId.replaceAll('-', ''),
    });
    const { publicKey, claims } = verifyVapidHeader(request!.headers.authorization as string);
    expect(publicKey).toBe(t.vapid.publicKey);
    expect(claims.aud).toBe(t.service.origin);
    expect(claims.sub).toBe(t.vapid.subject);
    const now = Date.now() / 1000;
    // RFC 8292 §2: no more than 24 hours ahead.
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + 24 * 60 * 60 + 5);
  });

  it('in a group: the group’s name, "Name: text", cut at 140 characters; "New message" on a device with private previews', async () => {
    const { users, chatId } = await makeGroup(3);
    const [sender, open, private_] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const openDevice = await t.addDevice(open);
    const privateDevice = await t.addDevice(private_, { previews: false });
    const socket = await t.openTab(sender);
    const long = `${'😀'.repeat(100)} ${'word '.repeat(60)}`;

    data(await sendMessage(socket, { chatId, body: long }));
    await t.queue.idle();

    const [pushed] = t.received(openDevice);
    expect(pushed).toMatchObject({ chatId, title: 'test group', tag: chatId, url: `/c/${chatId}` });
    const text = pushed!.body.slice(`${sender.displayName}: `.length);
    expect(pushed!.body.startsWith(`${sender.displayName}: 😀😀`)).toBe(true);
    expect(Array.from(text)).toHaveLength(PREVIEW_LENGTH);
    expect(text.endsWith('…')).toBe(true);
    expect(t.received(privateDevice)).toEqual([{ chatId, url: `/c/${chatId}`, title: 'Parley', body: 'New message', tag: chatId }]);
  });
});

describe('who gets a push', () => {
  it('a muted chat sends nothing, except a message that mentions the member (as the in-app notification does)', async () => {
    const { users, chatId } = await makeGroup(3);
    const [sender, muted, other] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const [mutedDevice, otherDevice] = [await t.addDevice(muted), await t.addDevice(other)];
    await setChatMutedUntil({ chatId, userId: muted.id, mutedUntil: MUTED_FOREVER });
    const socket = await t.openTab(sender);

    data(await sendMessage(socket, { chatId, body: 'nothing for the muted' }));
    await t.queue.idle();
    expect(t.requestsFor(mutedDevice)).toHaveLength(0);
    // The same drain pushed to the member who did not mute: the muted one was left out, not the message.
    expect(t.received(otherDevice).map((push) => push.body)).toEqual([`${sender.displayName}: nothing for the muted`]);

    data(await sendMessage(socket, { chatId, body: `@${muted.username} this one is for you` }));
    await t.queue.idle();
    expect(t.received(mutedDevice).map((push) => push.body)).toEqual([`${sender.displayName}: @${muted.username} this one is for you`]);
  });

  it('a visible tab anywhere means no push; once it says hidden, pushes come; visible again, they stop', async () => {
    const { a, b, chatId } = await makeChat();
    const device = await t.addDevice(b);
    const sender = await t.openTab(a);
    const tab = await t.openTab(b, true);
    const send = async (body: string) => {
      const heard = nextEvent(tab, 'message:new', (message) => message.body === body);
      data(await sendMessage(sender, { chatId, body }));
      await heard;
      await t.queue.idle();
    };

    await send('while visible');
    expect(t.requestsFor(device)).toHaveLength(0);

    tab.emit('visibility:set', { visible: false });
    // A socket's events are handled in order: once this later one is answered, the state change has been made.
    await joinChat(tab, chatId);
    await send('while hidden');
    expect(t.received(device).map((push) => push.body)).toEqual(['while hidden']);

    tab.emit('visibility:set', { visible: true });
    await joinChat(tab, chatId);
    await send('visible again');
    expect(t.received(device).map((push) => push.body)).toEqual(['while hidden']);
  });

  it('a connection that never states its visibility (a script, a load generator) counts as a visible tab', async () => {
    const { a, b, chatId } = await makeChat();
    const device = await t.addDevice(b);
    const sender = await t.openTab(a);
    await t.openTab(b);
    data(await sendMessage(sender, { chatId, body: 'unseen by push' }));
    await t.queue.idle();
    expect(t.requestsFor(device)).toHaveLength(0);

    // A hidden tab next to it changes nothing: one visible tab is enough.
    const hidden = await t.openTab(b, false);
    await joinChat(hidden, chatId);
    data(await sendMessage(sender, { chatId, body: 'still unseen by push' }));
    await t.queue.idle();
    expect(t.requestsFor(device)).toHaveLength(0);
  });

  it('a visibility payload that is not {visible: boolean} changes nothing', async () => {
    const { a, b, chatId } = await makeChat();
    const device = await t.addDevice(b);
    const sender = await t.openTab(a);
    const tab = await t.openTab(b, true);
    for (const payload of [{ visible: 'false' }, { visible: 0 }, null, 'hidden']) (tab as unknown as { emit: (e: string, p: unknown) => void }).emit('visibility:set', payload);
    await joinChat(tab, chatId);
    data(await sendMessage(sender, { chatId, body: 'still visible' }));
    await t.queue.idle();
    expect(t.requestsFor(device)).toHaveLength(0);
  });
});
