import { chatIdOf, delayRealtime, expect, interceptMessageSends, test } from './fixtures';
import { LoginPage } from './pages/auth-pages';

const SEEDED = 60;
const HISTORY_URL = /\/api\/chats\/[0-9a-f-]{36}\/messages\?before=\d+/;

test('two people chat live, keep their history, page back through it and sign out', async ({ people }) => {
  test.slow();
  const alice = await people.create('Alice');
  const aliceOutbox = await interceptMessageSends(alice.page);
  await alice.register();
  const bob = await people.signUp('Bob');
  const aliceRoom = alice.roomWith(bob);
  const bobRoom = bob.roomWith(alice);

  await test.step('Bob waits on the home screen with no chats', async () => {
    await expect(bob.app.noChatsYet).toBeVisible();
    await bob.realtime.waitUntilConnected();
  });

  await test.step('Alice finds Bob by part of his display name and opens a chat', async () => {
    await alice.app.startChatWith(bob.searchTerm, bob);
    await expect(aliceRoom.heading).toHaveText(bob.displayName);
    await expect(aliceRoom.messages).toHaveCount(0);
  });

  await test.step("the new chat appears in Bob's list without a reload", async () => {
    await expect(bob.app.chatItem(alice.displayName)).toBeVisible();
    await expect(bob.app.chatPreview(alice.displayName)).toHaveText('No messages yet');
  });

  await test.step("Alice's message shows at once as sending, then as sent", async () => {
    await alice.realtime.waitUntilConnected();
    aliceOutbox.hold();
    await aliceRoom.send('Hello Bob');
    const sent = aliceRoom.message('Hello Bob');
    await expect(sent).toHaveAttribute('data-status', 'sending');
    await expect(sent).toContainText('Sending…');
    await expect(aliceRoom.composer).toHaveValue('');
    aliceOutbox.release();
    await expect(sent).toHaveAttribute('data-status', 'sent');
    await expect(sent).toHaveAttribute('data-seq', '1');
    await expect(sent.getByLabel('Sent')).toBeVisible();
    await expect(alice.app.chatPreview(bob.displayName)).toHaveText('You: Hello Bob');
  });

  await test.step("Bob's list preview updates live, and he opens the chat", async () => {
    await expect(bob.app.chatPreview(alice.displayName)).toHaveText('Hello Bob');
    await bob.app.chatItem(alice.displayName).click();
    await expect(bobRoom.message('Hello Bob')).toBeVisible();
    await bob.realtime.waitUntilConnected();
  });

  await test.step('Bob answers on two lines (Shift+Enter) and Alice sees it live', async () => {
    await bobRoom.composer.fill('Hi Alice');
    await bobRoom.composer.press('Shift+Enter');
    await bobRoom.composer.pressSequentially('how are you?');
    await expect(bobRoom.composer).toHaveValue('Hi Alice\nhow are you?');
    await bobRoom.composer.press('Enter');
    await expect(bobRoom.messages).toHaveCount(2);
    await expect(bobRoom.messages.last()).toHaveAttribute('data-status', 'sent');

    await expect(aliceRoom.messages).toHaveCount(2);
    await expect(aliceRoom.messages.last()).toContainText('Hi Alice\nhow are you?');
    await expect(aliceRoom.messages.last()).toHaveAttribute('data-seq', '2');
    await expect(alice.app.chatPreview(bob.displayName)).toHaveText(/^Hi Alice\s+how are you\?$/);
  });

  await test.step('Alice answers and Bob sees it live', async () => {
    await aliceRoom.send('Fine, thanks!');
    await expect(bobRoom.message('Fine, thanks!')).toBeVisible();
    await expect(bob.app.chatPreview(alice.displayName)).toHaveText('Fine, thanks!');
  });

  await test.step('after a reload Bob sees the whole conversation in order', async () => {
    await bob.page.reload();
    await expect(bobRoom.messages).toHaveText([/Hello Bob/, /Hi Alice\s+how are you\?/, /Fine, thanks!/]);
    expect(await bobRoom.seqs()).toEqual([1, 2, 3]);
    await expect(bobRoom.beginning).toBeVisible();
  });

  const chatId = chatIdOf(alice.page);
  const total = 3 + SEEDED;
  const seeded = Array.from({ length: SEEDED }, (_, index) => `Seeded message ${String(index + 1).padStart(2, '0')}`);

  await test.step(`${SEEDED} more messages arrive (sent through the socket)`, async () => {
    await alice.sendMessagesViaSocket(chatId, seeded);
    // Both open pages hear them live; the reloads below then start from the newest page of history.
    await expect(bobRoom.messageWithSeq(total)).toHaveText(new RegExp(seeded.at(-1)!));
    await expect(aliceRoom.messageWithSeq(total)).toHaveAttribute('data-status', 'sent');
  });

  await test.step('scrolling up loads older messages without moving what Alice is reading', async () => {
    // Hold the history request, so "what was at the top" is read while the older page is on its way.
    let releaseHistory!: () => void;
    const historyHeld = new Promise<void>((resolve) => (releaseHistory = resolve));
    let historyRequests = 0;
    await alice.page.route(HISTORY_URL, async (route) => {
      historyRequests += 1;
      await historyHeld;
      await route.continue();
    });

    await alice.page.reload();
    await expect(aliceRoom.messageWithSeq(total)).toBeInViewport();
    const initial = await aliceRoom.messages.count();
    expect(initial).toBeLessThan(total);
    expect(await aliceRoom.seqs()).toEqual(Array.from({ length: initial }, (_, i) => total - initial + 1 + i));
    expect(historyRequests).toBe(0);

    await aliceRoom.scroller.hover();
    await expect(async () => {
      await alice.page.mouse.wheel(0, -400);
      expect(historyRequests).toBeGreaterThan(0);
    }, 'scrolling near the top asks for older messages').toPass({ timeout: 15_000 });
    await expect(aliceRoom.loadingOlder).toBeVisible();

    const anchor = await aliceRoom.topVisibleMessage();
    releaseHistory();
    await expect(aliceRoom.messages).toHaveCount(total);
    await expect(aliceRoom.messageWithSeq(anchor.seq)).toBeInViewport();
    const shift = (await aliceRoom.offsetOf(anchor.seq)) - anchor.offset;
    expect(Math.abs(shift), `message ${anchor.seq} moved by ${shift}px when older messages loaded`).toBeLessThan(50);
    await alice.page.unroute(HISTORY_URL);
  });

  await test.step('Alice scrolls up to the very first message', async () => {
    await expect(async () => {
      await alice.page.mouse.wheel(0, -1000);
      await expect(aliceRoom.messageWithSeq(1)).toBeInViewport({ timeout: 500 });
    }, 'message 1 comes into view').toPass({ timeout: 15_000 });
    await expect(aliceRoom.messageWithSeq(1)).toHaveText(/Hello Bob/);
    await expect(aliceRoom.beginning).toBeInViewport();
    await expect(aliceRoom.loadOlder).toHaveCount(0);
    expect(await aliceRoom.seqs()).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await expect(aliceRoom.message(seeded[0]!)).toHaveAttribute('data-seq', '4');
  });

  await test.step('Alice signs out, and the app sends her back to sign in', async () => {
    await alice.app.signOut.click();
    await expect(alice.page).toHaveURL('/login');
    await alice.page.goto('/');
    await expect(alice.page).toHaveURL('/login?callbackUrl=%2F');
    await new LoginPage(alice.page).signIn(alice.credentials);
    await expect(alice.page).toHaveURL('/');
    await expect(alice.app.currentUser).toHaveText(alice.displayName);
    await expect(alice.app.chatPreview(bob.displayName)).toHaveText(`You: ${seeded.at(-1)}`);
  });
});

// A `chat:created` emitted after the list was rendered but before the page's socket connected must not be lost.
test('a chat started while the other person is still connecting shows up in their list', async ({ people }) => {
  const alice = await people.signUp('Alice');
  const bob = await people.create('Bob');
  const bobNetwork = await delayRealtime(bob.page);
  await bob.register();
  await alice.app.startChatWith(bob.searchTerm, bob);
  bobNetwork.release();
  await bob.realtime.waitUntilConnected();
  await expect(bob.app.chatItem(alice.displayName)).toBeVisible();
});
