import { chatIdOf, expect, test, uniqueSuffix } from './fixtures';
import { connectionStatus, listStoredMessages, readOutbox, sessionCookieHeader } from './realtime-tools';
import { controlRealtime } from './socket-frames';

const PENDING = /^(sending|not-delivered)$/;
/**
 * From the server becoming reachable to the messages being stored: the page's next reconnect attempt (Socket.IO backs
 * off up to 5 s, ±50 %: at most 7.5 s), then three acknowledged sends in a row. Generous on a loaded machine.
 */
const DELIVERY_TIMEOUT = 15_000;

test('three messages written while offline survive a reload, then are delivered once each, in order', async ({ people, baseURL }) => {
  test.slow();
  const alice = await people.create('Alice');
  const wire = await controlRealtime(alice.page);
  const [bob] = await Promise.all([people.signUp('Bob'), alice.register()]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const chatId = chatIdOf(alice.page);
  const bobRoom = bob.roomWith(alice);
  await bob.app.chatItem(alice.displayName).click();
  await expect(bobRoom.section).toBeVisible();
  for (const person of [alice, bob]) await expect(connectionStatus(person.page)).toHaveAttribute('data-connection', 'connected');
  const bodies = [1, 2, 3].map((n) => `offline ${n} ${uniqueSuffix()}`);
  const inOrder = bodies.map((body) => new RegExp(body));

  await test.step('offline, Alice writes three: shown as pending and written to IndexedDB at once', async () => {
    // The server becomes unreachable (her socket is closed, reconnects refused), then the network goes: with
    // setOffline alone Chromium may hold the open socket's frames and deliver them later.
    await wire.cutOff();
    await alice.context.setOffline(true);
    await expect(connectionStatus(alice.page)).toHaveAttribute('data-connection', 'offline');
    for (const body of bodies) await aliceRoom.send(body);
    await expect(aliceRoom.messages).toHaveText(inOrder);
    for (const message of await aliceRoom.messages.all()) await expect(message).toHaveAttribute('data-status', PENDING);
    await expect
      .poll(async () => (await readOutbox(alice.page)).map((entry) => [entry.body, entry.chatId, entry.status]))
      .toEqual(bodies.map((body) => [body, chatId, 'sending']));
  });

  const connectionsBeforeReload = wire.connections();
  await test.step('the network returns but the server is still unreachable; Alice reloads: still pending, in order', async () => {
    await alice.context.setOffline(false);
    await alice.page.reload();
    await expect(aliceRoom.messages).toHaveText(inOrder);
    for (const message of await aliceRoom.messages.all()) await expect(message).toHaveAttribute('data-status', PENDING);
    expect((await readOutbox(alice.page)).map((entry) => entry.body)).toEqual(bodies);
    await expect(connectionStatus(alice.page)).not.toHaveAttribute('data-connection', 'connected');
    expect(wire.connections(), 'no socket of Alice reached the server').toBe(connectionsBeforeReload);
    await expect(bobRoom.messages).toHaveCount(0);
  });

  await test.step('the server is reachable again: each message is delivered once, in the order written', async () => {
    wire.restore();
    await expect(aliceRoom.messages.and(alice.page.locator('[data-status="sent"]'))).toHaveText(inOrder, { timeout: DELIVERY_TIMEOUT });
    await expect(aliceRoom.messages).toHaveText(inOrder);
    await expect(bobRoom.messages).toHaveText(inOrder);
    expect(await aliceRoom.seqs()).toEqual([1, 2, 3]);
    expect(await bobRoom.seqs()).toEqual([1, 2, 3]);
    await expect.poll(() => readOutbox(alice.page)).toEqual([]);

    const stored = await listStoredMessages(baseURL!, await sessionCookieHeader(bob.context, baseURL!), chatId);
    expect(stored.map((message) => [message.seq, message.body])).toEqual(bodies.map((body, index) => [index + 1, body]));
    // A later reload sends nothing again.
    await alice.page.reload();
    await expect(aliceRoom.messages).toHaveText(inOrder);
    await expect(bobRoom.messages).toHaveText(inOrder);
  });
});
