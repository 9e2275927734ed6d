import { chatIdOf, expect, test, type Person } from './fixtures';
import { SettingsPage } from './pages/chat-pages';
import { connectionStatus } from './realtime-tools';
import { controlRealtime } from './socket-frames';

/** Waits until `watcher`'s open chat shows `person` as gone (their page left; no socket of theirs remains). */
async function untilGone(watcher: Person, person: Person) {
  await expect(watcher.roomWith(person).peerStatus).not.toHaveText(/online|typing/);
}

test('ticks go sent → delivered → read as the other person’s device gets the message and they open the chat', async ({ people }) => {
  const bob = await people.create('Bob');
  const bobWire = await controlRealtime(bob.page);
  const [alice] = await Promise.all([people.signUp('Alice'), bob.register()]);
  await expect(connectionStatus(bob.page)).toHaveAttribute('data-connection', 'connected');
  // Bob's device will report the message at once; held here, so "sent" is seen before "delivered".
  bobWire.hold('receipt:update');

  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  await expect(bob.app.chatItem(alice.displayName)).toBeVisible();
  await aliceRoom.send('Are you there?');
  const mine = aliceRoom.message('Are you there?');

  await test.step('stored: one tick, "Sent"', async () => {
    await expect(mine).toHaveAttribute('data-status', 'sent');
    await expect(mine).toHaveAttribute('data-receipt', 'sent');
    await expect(mine.getByRole('img', { name: 'Sent' })).toBeVisible();
    // It reached Bob's device; his report has not reached the server yet.
    await expect(bob.app.chatPreview(alice.displayName)).toHaveText('Are you there?');
    await expect.poll(() => bobWire.heldCount('receipt:update')).toBeGreaterThan(0);
    await expect(mine).toHaveAttribute('data-receipt', 'sent');
  });

  await test.step('Bob’s device reports it: "Delivered"', async () => {
    bobWire.release('receipt:update');
    await expect(mine).toHaveAttribute('data-receipt', 'delivered');
    await expect(mine.getByRole('img', { name: 'Delivered' })).toBeVisible();
  });

  await test.step('Bob opens the chat: "Read", and it stays read after a reload', async () => {
    await bob.app.chatItem(alice.displayName).click();
    await expect(bob.roomWith(alice).message('Are you there?')).toBeVisible();
    await expect(mine).toHaveAttribute('data-receipt', 'read');
    await expect(mine.getByRole('img', { name: 'Read' })).toBeVisible();
    await alice.page.reload();
    await expect(aliceRoom.message('Are you there?')).toHaveAttribute('data-receipt', 'read');
    // Bob's side shows no ticks on Alice's message.
    await expect(bob.roomWith(alice).message('Are you there?')).not.toHaveAttribute('data-receipt');
  });
});

// Regression (fixed): "delivered" is reported only for a message:new heard live (components/chat/chat-list.tsx, onMessage) and for what is read.
test('a message that reached the other person’s device while they were away turns "delivered" when their app opens', async ({ people }) => {
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  await bob.page.goto('about:blank');
  await untilGone(alice, bob);
  await aliceRoom.send('while you were away');
  const mine = aliceRoom.message('while you were away');
  await expect(mine).toHaveAttribute('data-receipt', 'sent');

  await bob.page.goto('/');
  await expect(bob.app.chatPreview(alice.displayName)).toHaveText('while you were away');
  await expect(connectionStatus(bob.page)).toHaveAttribute('data-connection', 'connected');
  await expect(mine).toHaveAttribute('data-receipt', 'delivered');
});

test('with read receipts off, neither side sees "read": the other’s reads show as delivered, both ways', async ({ people }) => {
  test.slow();
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const settings = new SettingsPage(bob.page);
  await settings.goto();
  await settings.setPrivacy({ hideLastSeen: false, sendReadReceipts: false });
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const chatId = chatIdOf(alice.page);
  const bobRoom = bob.roomWith(alice);

  await test.step('Bob, who turned them off, reads Alice’s message: she sees delivered, never read', async () => {
    await bob.page.goto('about:blank');
    await untilGone(alice, bob);
    await aliceRoom.send('one');
    const mine = aliceRoom.message('one');
    await expect(mine).toHaveAttribute('data-receipt', 'sent');
    await bob.page.goto(`/c/${chatId}`);
    await expect(bobRoom.message('one')).toBeVisible();
    // Bob was away when it arrived: what turns it "delivered" is the report of his reading it, with the read hidden.
    await expect(mine).toHaveAttribute('data-receipt', 'delivered');
    await alice.page.reload();
    await expect(aliceRoom.message('one')).toHaveAttribute('data-receipt', 'delivered');
  });

  await test.step('Alice reads Bob’s message: Bob, who sends none, sees none either', async () => {
    await alice.page.goto('about:blank');
    await untilGone(bob, alice);
    await bobRoom.send('two');
    const his = bobRoom.message('two');
    await expect(his).toHaveAttribute('data-receipt', 'sent');
    await alice.page.goto(`/c/${chatId}`);
    await expect(aliceRoom.message('two')).toBeVisible();
    await expect(his).toHaveAttribute('data-receipt', 'delivered');
    await bob.page.reload();
    await expect(bobRoom.message('two')).toHaveAttribute('data-receipt', 'delivered');
  });
});
