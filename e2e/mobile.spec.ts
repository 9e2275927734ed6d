import { expect, test, type Person } from './fixtures';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

/** Nothing wider than the screen: a phone must never scroll sideways. */
async function expectNoSidewaysScroll(person: Person) {
  const { scrollWidth, clientWidth } = await person.page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, 'page width on a 390px phone').toBeLessThanOrEqual(clientWidth);
}

test('on a phone the chat list and a chat are separate screens', async ({ people }) => {
  test.slow();
  const alice = await people.signUp('Alice');
  const bob = await people.signUp('Bob');
  const aliceRoom = alice.roomWith(bob);
  const bobRoom = bob.roomWith(alice);

  await test.step('home is the list screen alone', async () => {
    await expect(alice.app.search).toBeVisible();
    await expect(alice.app.welcome).toBeHidden();
    await expectNoSidewaysScroll(alice);
    await bob.realtime.waitUntilConnected();
  });

  await test.step('opening a chat replaces the list', async () => {
    await alice.app.startChatWith(bob.searchTerm, bob);
    await expect(aliceRoom.backToChats).toBeVisible();
    await expect(alice.app.search).toBeHidden();
    await expect(alice.app.currentUser).toBeHidden();
    await expectNoSidewaysScroll(alice);
  });

  await test.step('Alice taps Send and the message is delivered', async () => {
    await alice.realtime.waitUntilConnected();
    await aliceRoom.composer.fill('Sent from my phone');
    await aliceRoom.sendButton.tap();
    await expect(aliceRoom.message('Sent from my phone')).toHaveAttribute('data-status', 'sent');
    await expect(aliceRoom.message('Sent from my phone')).toBeInViewport();
    await expect(aliceRoom.composer).toHaveValue('');
  });

  await test.step("Bob's list shows the chat live; tapping it opens the chat screen", async () => {
    await expect(bob.app.chatPreview(alice.displayName)).toHaveText('Sent from my phone');
    await bob.app.chatItem(alice.displayName).tap();
    await expect(bobRoom.message('Sent from my phone')).toBeVisible();
    await expect(bob.app.chatList).toBeHidden();
    await bob.realtime.waitUntilConnected();
    await bobRoom.composer.fill('Got it');
    await bobRoom.sendButton.tap();
    await expect(bobRoom.message('Got it')).toHaveAttribute('data-status', 'sent');
  });

  await test.step('Alice sees the answer live, then goes back to the list', async () => {
    await expect(aliceRoom.message('Got it')).toBeVisible();
    await aliceRoom.backToChats.tap();
    await expect(alice.page).toHaveURL('/');
    await expect(aliceRoom.section).toBeHidden();
    await expect(alice.app.chatPreview(bob.displayName)).toHaveText('Got it');
    await expectNoSidewaysScroll(alice);
  });

  await test.step('and back into the chat, where the history is still there', async () => {
    await alice.app.chatItem(bob.displayName).tap();
    await expect(aliceRoom.messages).toHaveText([/Sent from my phone/, /Got it/]);
    await expect(alice.app.chatList).toBeHidden();
  });
});
