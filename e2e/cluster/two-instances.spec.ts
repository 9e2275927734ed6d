import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../lib/realtime/events';
import { chatIdOf, expect, test, type Person } from '../fixtures';
import { readChat } from './oracle';
import { watchSocketInstance } from './socket-instance';
import { createPerson, sessionCookie, startClusterForFile } from './test-cluster';

const cluster = startClusterForFile();

/** Sends one message with socket.io-client over the given transports, through nginx, and returns its ack. */
async function sendWith(transports: Array<'polling' | 'websocket'>, input: { url: string; cookie: string; chatId: string; body: string }) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(input.url, {
    transports,
    extraHeaders: { cookie: input.cookie },
    forceNew: true,
    reconnection: false,
    timeout: 5000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    // Polling first, then the upgrade of that same session to a WebSocket: both must reach the instance holding it.
    if (transports.length > 1 && socket.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve) => socket.io.engine.once('upgrade', resolve));
    }
    return await socket.timeout(5000).emitWithAck('message:send', { chatId: input.chatId, clientId: randomUUID(), body: input.body });
  } finally {
    socket.disconnect();
  }
}

test('two people whose sockets are on different instances talk live through nginx', async ({ browser }) => {
  test.setTimeout(90_000);
  const { url, instances, databaseUrl } = cluster();
  const alice = await createPerson(browser, url, 'Alice');
  const bob = await createPerson(browser, url, 'Bob');
  const aliceSocket = await watchSocketInstance(alice.page);
  const bobSocket = await watchSocketInstance(bob.page);
  const connected = async (person: Person, watch: typeof aliceSocket, handshakes: number) => {
    await person.realtime.waitUntilConnected();
    await expect.poll(() => watch.handshakes.length).toBeGreaterThan(handshakes);
  };

  await test.step('both sign up through nginx; their sockets land on different instances', async () => {
    await alice.register();
    await connected(alice, aliceSocket, 0);
    await bob.register();
    await connected(bob, bobSocket, 0);
    // least_conn already sends Bob's socket to the idle instance; a reload moves it if not.
    for (let attempt = 1; bobSocket.current() === aliceSocket.current() && attempt <= 5; attempt++) {
      const before = bobSocket.handshakes.length;
      await bob.page.reload();
      await connected(bob, bobSocket, before);
    }
    expect([aliceSocket.current(), bobSocket.current()].sort()).toEqual(instances.map((instance) => instance.id).sort());
  });

  const aliceRoom = alice.roomWith(bob);
  const bobRoom = bob.roomWith(alice);
  const handshakesBefore = [aliceSocket.handshakes.length, bobSocket.handshakes.length];

  await test.step('Alice starts the chat (a server action through nginx); it appears in Bob\'s list live', async () => {
    await alice.app.startChatWith(bob.searchTerm, bob);
    await expect(bob.app.chatItem(alice.displayName)).toBeVisible();
  });

  await test.step('Alice writes, Bob (on the other instance) sees it live, answers, and Alice sees that live', async () => {
    await aliceRoom.send('Hello across instances');
    await expect(aliceRoom.message('Hello across instances')).toHaveAttribute('data-status', 'sent');
    await expect(bob.app.chatPreview(alice.displayName)).toHaveText('Hello across instances');
    await bob.app.chatItem(alice.displayName).click();
    await expect(bobRoom.message('Hello across instances')).toBeVisible();
    await bobRoom.send('Loud and clear');
    await expect(aliceRoom.message('Loud and clear')).toBeVisible();
  });

  const chatId = chatIdOf(alice.page);
  await test.step('long-polling works through nginx too (sticky), alone and upgraded to a WebSocket', async () => {
    const cookie = await sessionCookie(bob, url);
    const polling = await sendWith(['polling'], { url, cookie, chatId, body: 'Sent over long-polling' });
    expect(polling).toMatchObject({ ok: true });
    const upgraded = await sendWith(['polling', 'websocket'], { url, cookie, chatId, body: 'Sent over polling, then WebSocket' });
    expect(upgraded).toMatchObject({ ok: true });
    await expect(aliceRoom.message('Sent over polling, then WebSocket')).toBeVisible();
  });

  await test.step('no socket had to reconnect, and both rendered lists equal Postgres', async () => {
    expect([aliceSocket.handshakes.length, bobSocket.handshakes.length]).toEqual(handshakesBefore);
    const stored = await readChat(databaseUrl, chatId);
    expect(stored.map((message) => message.body)).toEqual(['Hello across instances', 'Loud and clear', 'Sent over long-polling', 'Sent over polling, then WebSocket']);
    for (const room of [aliceRoom, bobRoom]) {
      await expect(room.messages).toHaveCount(stored.length);
      expect(await room.seqs()).toEqual(stored.map((message) => message.seq));
      await expect(room.messages).toHaveText(stored.map((message) => new RegExp(message.body)));
    }
  });
});
