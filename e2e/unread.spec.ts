import { chatIdOf, expect, test, type Person } from './fixtures';
import { ChatApp } from './pages/chat-pages';
import { connectionStatus, recordNotifications } from './realtime-tools';

/**
 * "Reading a chat in one tab clears its count in every other tab … within 1 s", counted from the moment the messages
 * are on screen in the reading tab; plus Playwright's polling (every 100–1000 ms, each poll a round trip).
 */
const CROSS_TAB_MS = 1_000 + 700;
const remainingOf = (boundMs: number, since: number) => Math.max(1, boundMs - (Date.now() - since));

/** A second tab of the same person (same browser context, same session), on the home screen and connected. */
async function openSecondTab(person: Person) {
  const page = await person.context.newPage();
  await page.goto('/');
  await expect(connectionStatus(page)).toHaveAttribute('data-connection', 'connected');
  return { page, app: new ChatApp(page) };
}

test('unread badges and the title count rise with new messages and clear in every tab when one tab reads', async ({ people }) => {
  test.slow();
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  await expect(connectionStatus(bob.page)).toHaveAttribute('data-connection', 'connected');
  const second = await openSecondTab(bob);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const bobRoom = bob.roomWith(alice);
  const tabs = [
    { name: 'tab 1', page: bob.page, app: bob.app },
    { name: 'tab 2', page: second.page, app: second.app },
  ];

  await test.step('two messages: "2" on the chat and "(2) Parley" in both tabs', async () => {
    for (const tab of tabs) await expect(tab.app.chatItem(alice.displayName), tab.name).toBeVisible();
    await aliceRoom.send('one');
    await aliceRoom.send('two');
    for (const tab of tabs) {
      await expect(tab.app.unreadBadge(alice.displayName), tab.name).toHaveText('2');
      await expect(tab.app.unreadBadge(alice.displayName), tab.name).toHaveAccessibleName('2 unread messages');
      await expect(tab.page, tab.name).toHaveTitle('(2) Parley');
    }
  });

  await test.step('Bob reads in tab 1: the count clears there and, within a second, in tab 2', async () => {
    await bob.app.chatItem(alice.displayName).click();
    await expect(bobRoom.messages).toHaveText(['one', 'two'].map((body) => new RegExp(body)));
    const onScreenAt = Date.now();
    await expect(second.app.unreadBadge(alice.displayName)).toHaveCount(0, { timeout: remainingOf(CROSS_TAB_MS, onScreenAt) });
    await expect(second.page).toHaveTitle('Parley');
    await expect(bob.app.unreadBadge(alice.displayName)).toHaveCount(0);
    await expect(bob.page).toHaveTitle(`${alice.displayName} · Parley`);
  });

  await test.step('a third message counts in tab 2 only (tab 1 has the chat open), and clears as tab 1 shows it', async () => {
    await aliceRoom.send('three');
    await expect(bobRoom.message('three')).toBeVisible();
    const onScreenAt = Date.now();
    // Tab 2 may see the count for a moment before tab 1's read lands; either way it must end at zero within the bound.
    await expect(second.app.unreadBadge(alice.displayName)).toHaveCount(0, { timeout: remainingOf(CROSS_TAB_MS, onScreenAt) });
    await expect(second.page).toHaveTitle('Parley');
    await expect(bob.app.unreadBadge(alice.displayName)).toHaveCount(0);
    await expect(bob.page).toHaveTitle(`${alice.displayName} · Parley`);
    // Stored: a fresh render of tab 2 agrees.
    await second.page.reload();
    await expect(second.app.chatPreview(alice.displayName)).toHaveText('three');
    await expect(second.app.unreadBadge(alice.displayName)).toHaveCount(0);
  });
});

test('"Mark as unread" shows a badge in every tab, which clears when the chat is read', async ({ people }) => {
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  await aliceRoom.send('read me later');
  await bob.app.chatItem(alice.displayName).click();
  await expect(bob.roomWith(alice).message('read me later')).toBeVisible();
  await expect(aliceRoom.message('read me later')).toHaveAttribute('data-receipt', 'read');
  const second = await openSecondTab(bob);
  await expect(second.app.unreadBadge(alice.displayName)).toHaveCount(0);

  await second.app.chatItem(alice.displayName).hover();
  await second.app.markAsUnread(alice.displayName).click();
  for (const [name, app, page] of [['tab 2', second.app, second.page], ['tab 1', bob.app, bob.page]] as const) {
    await expect(app.unreadBadge(alice.displayName), name).toHaveAccessibleName('1 unread message');
    await expect(page, name).toHaveTitle(/^\(1\) /);
  }
  await expect(second.app.markAsUnread(alice.displayName)).toHaveCount(0);

  await second.app.chatItem(alice.displayName).click();
  await expect(second.app.page.getByRole('region', { name: `Chat with ${alice.displayName}` }).getByTestId('message')).toHaveText([/read me later/]);
  const onScreenAt = Date.now();
  await expect(second.app.unreadBadge(alice.displayName)).toHaveCount(0);
  await expect(bob.app.unreadBadge(alice.displayName)).toHaveCount(0, { timeout: remainingOf(CROSS_TAB_MS, onScreenAt) });
  await expect(bob.page).toHaveTitle(`${alice.displayName} · Parley`);
});

// Regression (fixed): the tab that read a chat never reports reading it again, so a chat it marked unread stays unread when it is opened there.
test('"Mark as unread" on a chat read in this same tab clears when the chat is opened again', async ({ people }) => {
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  await aliceRoom.send('read me later');
  await bob.app.chatItem(alice.displayName).click();
  await expect(bob.roomWith(alice).message('read me later')).toBeVisible();
  await expect(aliceRoom.message('read me later')).toHaveAttribute('data-receipt', 'read');

  // Away from the chat without leaving the page (the sidebar stays), mark it unread, come back.
  await bob.app.settingsLink.click();
  await expect(bob.page).toHaveURL('/settings');
  await bob.app.chatItem(alice.displayName).hover();
  await bob.app.markAsUnread(alice.displayName).click();
  await expect(bob.app.unreadBadge(alice.displayName)).toHaveAccessibleName('1 unread message');
  await bob.app.chatItem(alice.displayName).click();
  await expect(bob.roomWith(alice).message('read me later')).toBeVisible();
  await expect(bob.app.unreadBadge(alice.displayName)).toHaveCount(0);
});

// Regression (fixed): every message that arrives in a chat that is not being read makes each of the recipient's tabs re-render the whole page from the server.
test('a message arriving in a background chat updates the list live, without re-rendering the page from the server', async ({ people }) => {
  const [alice, bob] = await Promise.all([people.signUp('Alice'), people.signUp('Bob')]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  await expect(bob.app.chatItem(alice.displayName)).toBeVisible();
  await aliceRoom.send('first');
  await expect(bob.app.chatPreview(alice.displayName)).toHaveText('first');
  // From here on, any navigation request of Bob's page (RSC GET, not a prefetch) is a re-render from the server.
  const rerenders: string[] = [];
  bob.page.on('request', (request) => {
    const headers = request.headers();
    if (headers['rsc'] === '1' && !headers['next-router-prefetch']) rerenders.push(request.url());
  });
  // Bob's device reported "first" delivered, and that flush's chat:read went to Bob with the receipt to Alice.
  await expect(aliceRoom.message('first')).toHaveAttribute('data-receipt', 'delivered');
  // Sent after that chat:read on Bob's one connection: once he shows it, he has handled the chat:read too.
  await aliceRoom.send('second');
  await expect(bob.app.chatPreview(alice.displayName)).toHaveText('second');
  await expect(bob.app.unreadBadge(alice.displayName)).toHaveText('2');
  expect(rerenders).toEqual([]);
});

test('a system notification for a message in a background chat, not for the open chat nor one’s own; clicking opens it', async ({ people }) => {
  test.slow();
  const bob = await people.create('Bob');
  await bob.context.grantPermissions(['notifications']);
  const notifications = await recordNotifications(bob.page);
  const [alice, carol] = await Promise.all([people.signUp('Alice'), people.signUp('Carol'), bob.register()]);
  expect(await bob.page.evaluate(() => Notification.permission)).toBe('granted');

  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  const carolRoom = await carol.app.startChatWith(bob.searchTerm, bob);
  const carolChatId = chatIdOf(carol.page);
  await expect(bob.app.chatItem(carol.displayName)).toBeVisible();
  await bob.app.chatItem(alice.displayName).click();
  const bobWithAlice = bob.roomWith(alice);
  await expect(bobWithAlice.section).toBeVisible();
  await expect(connectionStatus(bob.page)).toHaveAttribute('data-connection', 'connected');

  await test.step('a message in the chat Bob has open and visible: no notification', async () => {
    await aliceRoom.send('in the open chat');
    // Rendered in the same dispatch of message:new that would have shown the notification.
    await expect(bobWithAlice.message('in the open chat')).toBeVisible();
    expect(await notifications.list()).toEqual([]);
  });

  await test.step('Bob’s own message, sent from another device into the background chat: no notification', async () => {
    await bob.sendMessagesViaSocket(carolChatId, ['my own words']);
    await expect(bob.app.chatPreview(carol.displayName)).toHaveText('You: my own words');
    expect(await notifications.list()).toEqual([]);
  });

  await test.step('Carol writes in the background chat: one notification with her name and the text', async () => {
    await carolRoom.send('psst, over here');
    await expect(bob.app.chatPreview(carol.displayName)).toHaveText('psst, over here');
    await expect(bob.app.unreadBadge(carol.displayName)).toHaveAccessibleName('1 unread message');
    expect(await notifications.list()).toEqual([{ title: carol.displayName, body: 'psst, over here', tag: carolChatId }]);
  });

  await test.step('clicking the notification opens Carol’s chat', async () => {
    await notifications.click(0);
    await expect(bob.page).toHaveURL(`/c/${carolChatId}`);
    await expect(bob.roomWith(carol).message('psst, over here')).toBeVisible();
    await expect(bob.app.unreadBadge(carol.displayName)).toHaveCount(0);
    expect(await notifications.list()).toHaveLength(1);
  });
});
