import { chatIdOf, expect, test } from './fixtures';
import { SettingsPage } from './pages/chat-pages';
import { connectionStatus, openSocket, sessionCookieHeader } from './realtime-tools';
import { controlRealtime } from './socket-frames';

/**
 * The bounds, with room for Playwright itself: it polls an assertion every 100–1000 ms and each poll is a
 * round trip to the browser, so a bound is asserted as (the bound + this margin) from the triggering event.
 */
const POLL_MARGIN_MS = 700;
/** "appears within 300 ms of the other person starting to type". */
const TYPING_SHOWN_MS = 300 + POLL_MARGIN_MS;
/** "disappears at most 5 s after they stop". */
const TYPING_EXPIRES_MS = 5_000 + POLL_MARGIN_MS;
/** "…when they send, or when they disconnect": at once, so well before the 5 s expiry could explain it. */
const AT_ONCE_MS = 1_000 + POLL_MARGIN_MS;

/** What is left of `boundMs` counted from `since` (never 0, which Playwright reads as "no timeout"). */
const remainingOf = (boundMs: number, since: number) => Math.max(1, boundMs - (Date.now() - since));

test('online, typing and last seen in the chat header; closing one of two tabs keeps a person online', async ({ people }) => {
  test.slow();
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const bobRoom = bob.roomWith(alice);
  const typing = `${bob.displayName} is typing…`;

  await test.step('both are online', async () => {
    await expect(aliceRoom.peerStatus).toHaveText('online');
    await bob.app.chatItem(alice.displayName).click();
    await expect(bobRoom.peerStatus).toHaveText('online');
    await expect(connectionStatus(bob.page)).toHaveAttribute('data-connection', 'connected');
  });

  await test.step('Bob types: Alice sees it at once, and it goes away at most 5 s after he stops', async () => {
    await bobRoom.composer.click();
    await bobRoom.composer.press('H');
    await expect(aliceRoom.peerStatus).toHaveText(typing, { timeout: TYPING_SHOWN_MS });
    await bobRoom.composer.pressSequentially('el');
    const stoppedAt = Date.now();
    await expect(aliceRoom.peerStatus).toHaveText('online', { timeout: remainingOf(TYPING_EXPIRES_MS, stoppedAt) });
  });

  await test.step('Bob types again and sends: the indicator goes with the message', async () => {
    await bobRoom.composer.pressSequentially('lo');
    await expect(aliceRoom.peerStatus).toHaveText(typing, { timeout: TYPING_SHOWN_MS });
    await bobRoom.composer.press('Enter');
    const sentAt = Date.now();
    await expect(aliceRoom.message('Hello')).toBeVisible();
    await expect(aliceRoom.peerStatus).toHaveText('online', { timeout: remainingOf(AT_ONCE_MS, sentAt) });
  });

  const bobSecondTab = await bob.context.newPage();
  await test.step('Bob opens a second tab, types in the first and closes it: the indicator clears, he stays online', async () => {
    await bobSecondTab.goto('/');
    await expect(connectionStatus(bobSecondTab)).toHaveAttribute('data-connection', 'connected');
    await bobRoom.composer.press('x');
    await expect(aliceRoom.peerStatus).toHaveText(typing, { timeout: TYPING_SHOWN_MS });
    await bob.page.close();
    const closedAt = Date.now();
    // Cleared by the server when the tab's socket went (its disconnect was handled), not by the 5 s expiry.
    await expect(aliceRoom.peerStatus).toHaveText('online', { timeout: remainingOf(AT_ONCE_MS, closedAt) });
    // And the server still counts him online: a fresh render asks the presence store.
    await alice.page.reload();
    await expect(aliceRoom.peerStatus).toHaveText('online');
    // Listening again before Bob leaves: what happens between a render and the socket's connect is another test's.
    await expect(connectionStatus(alice.page)).toHaveAttribute('data-connection', 'connected');
  });

  await test.step('Bob closes his last tab: Alice sees "last seen just now", also after a reload', async () => {
    await bobSecondTab.close();
    await expect(aliceRoom.peerStatus).toHaveText('last seen just now');
    await alice.page.reload();
    await expect(aliceRoom.peerStatus).toHaveText('last seen just now');
  });
});

test('"hide my last seen" hides it from others, and theirs from the one who hides it', async ({ people }) => {
  test.slow();
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const settings = new SettingsPage(bob.page);
  await settings.goto();
  await settings.setPrivacy({ hideLastSeen: true, sendReadReceipts: true });

  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const chatId = chatIdOf(alice.page);
  const bobRoom = bob.roomWith(alice);

  await test.step('Alice sees Bob online, then only his username once he leaves', async () => {
    await expect(aliceRoom.peerStatus).toHaveText('online');
    await bob.page.goto('about:blank');
    await expect(aliceRoom.peerStatus).toHaveText(`@${bob.username}`);
    await alice.page.reload();
    await expect(aliceRoom.peerStatus).toHaveText(`@${bob.username}`);
    // Alice's reload flapped her presence: Bob's page below renders after she is back.
    await expect(connectionStatus(alice.page)).toHaveAttribute('data-connection', 'connected');
  });

  await test.step('Bob sees Alice online, then only her username once she leaves', async () => {
    await bob.page.goto(`/c/${chatId}`);
    await expect(bobRoom.peerStatus).toHaveText('online');
    await alice.page.goto('about:blank');
    await expect(bobRoom.peerStatus).toHaveText(`@${alice.username}`);
    await bob.page.reload();
    await expect(bobRoom.peerStatus).toHaveText(`@${alice.username}`);
  });
});

// Regression (fixed): what the open chat missed while its socket was down is never caught up.
test('presence and ticks missed while the socket was down are caught up when it reconnects', async ({ people, baseURL }) => {
  const alice = await people.create('Alice');
  const wire = await controlRealtime(alice.page);
  const [bob] = await Promise.all([people.signUp('Bob'), alice.register()]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const chatId = chatIdOf(alice.page);
  await aliceRoom.send('still there?');
  await expect(aliceRoom.message('still there?')).toHaveAttribute('data-receipt', 'delivered');
  await expect(aliceRoom.peerStatus).toHaveText('online');

  // Alice's page loses its socket. A socket of hers from here hears what the page misses.
  await wire.cutOff();
  await expect(connectionStatus(alice.page)).not.toHaveAttribute('data-connection', 'connected');
  const witness = await openSocket(baseURL!, await sessionCookieHeader(alice.context, baseURL!));
  try {
    const read = new Promise((resolve) => witness.on('receipt:update', (r) => r.chatId === chatId && r.readSeq === 1 && resolve(r)));
    await bob.app.chatItem(alice.displayName).click();
    await expect(bob.roomWith(alice).message('still there?')).toBeVisible();
    await read;
    const gone = new Promise((resolve) => witness.on('presence:update', (p) => !p.online && resolve(p)));
    await bob.page.goto('about:blank');
    await gone;
  } finally {
    witness.disconnect();
  }

  wire.restore();
  await expect(connectionStatus(alice.page)).toHaveAttribute('data-connection', 'connected');
  await expect(aliceRoom.message('still there?')).toHaveAttribute('data-receipt', 'read');
  await expect(aliceRoom.peerStatus).toHaveText('last seen just now');
});
