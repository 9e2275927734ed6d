import type { Locator, Page } from '@playwright/test';
import { chatIdOf, expect, test } from './fixtures';
import { RegisterPage } from './pages/auth-pages';
import { ChatRoom } from './pages/chat-pages';
import { NewGroupDialog } from './pages/group-pages';

/**
 * Someone who cannot use a mouse: only page.keyboard from here on (no click, fill or focus). Every stop checks
 * that the focus is where a sighted keyboard user would expect it and that they can see it.
 */

/** Whether `locator` is the focused element (a locator that matches nothing is not). */
async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement).catch(() => false);
}

/** A short description of the focused element, for failure messages: "BUTTON New group". */
async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? '';
    return `${element.tagName} ${name}`.trim();
  });
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `locator` has the focus, at most `max` times. Reaching it
 * proves it is in the tab order; the bound catches a keyboard trap or a control the keyboard cannot reach.
 */
async function tabTo(page: Page, locator: Locator, { max = 25, backwards = false }: { max?: number; backwards?: boolean } = {}) {
  const path: string[] = [];
  for (let presses = 0; presses <= max; presses++) {
    if (await isFocused(locator)) return;
    if (presses === max) break;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    path.push(await describeFocus(page));
  }
  throw new Error(`${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${locator} in ${max} presses; focus went: ${path.join(' → ')}`);
}

/** The focused element shows a focus ring (an outline or a box shadow), matches :focus-visible and is on screen. */
async function expectFocusVisible(page: Page) {
  const focused = page.locator(':focus');
  await expect(focused).toHaveCount(1);
  const style = await focused.evaluate((element) => {
    const computed = getComputedStyle(element);
    return {
      focusVisible: element.matches(':focus-visible'),
      outline: computed.outlineStyle !== 'none' && parseFloat(computed.outlineWidth) > 0,
      shadow: computed.boxShadow !== 'none',
    };
  });
  const what = await describeFocus(page);
  expect(style.focusVisible, `${what} matches :focus-visible`).toBe(true);
  expect(style.outline || style.shadow, `${what} draws a focus ring`).toBe(true);
  await expect(focused, `${what} is on screen`).toBeInViewport();
}

test('with the keyboard alone: register, find someone, open a chat, send, and sign out', async ({ people }) => {
  test.slow();
  const bo = await people.signUp('Bo');
  const ana = await people.create('Ana');
  const { page, app, credentials } = ana;
  const form = new RegisterPage(page);

  await test.step('register', async () => {
    await page.goto('/register');
    await expect(form.heading).toBeVisible();
    await tabTo(page, form.username, { max: 5 });
    await expectFocusVisible(page);
    await page.keyboard.type(credentials.username);
    await page.keyboard.press('Tab');
    await expect(form.displayName).toBeFocused();
    await page.keyboard.type(credentials.displayName);
    await page.keyboard.press('Tab');
    await expect(form.password).toBeFocused();
    await page.keyboard.type(credentials.password);
    await page.keyboard.press('Tab');
    await expect(form.submit).toBeFocused();
    await expectFocusVisible(page);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL('/');
    await expect(app.currentUser).toHaveText(credentials.displayName);
  });

  await test.step('a dialog holds the focus and gives it back', async () => {
    const newGroup = new NewGroupDialog(page);
    await tabTo(page, newGroup.openButton);
    await expectFocusVisible(page);
    await page.keyboard.press('Enter');
    await expect(newGroup.dialog).toBeVisible();
    await expect(newGroup.title).toBeFocused();
    // Round and round: Tab never leaves the modal for the page behind it.
    for (let presses = 0; presses < 8; presses++) {
      await page.keyboard.press('Tab');
      expect(await newGroup.dialog.evaluate((dialog) => dialog.contains(document.activeElement)), await describeFocus(page)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(newGroup.dialog).toBeHidden();
    await expect(newGroup.openButton).toBeFocused();
  });

  const room = new ChatRoom(page, bo.displayName);
  await test.step('find Bo by name and open the chat', async () => {
    await tabTo(page, app.search);
    await expectFocusVisible(page);
    await page.keyboard.type(bo.searchTerm);
    const result = app.peopleFound.getByRole('button', { name: bo.displayName }).filter({ hasText: `@${bo.username}` });
    await expect(result).toBeVisible();
    await tabTo(page, result, { max: 3 });
    await expectFocusVisible(page);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
    await expect(room.section).toBeVisible();
    // On a desktop the composer takes the focus, ready to type.
    await expect(room.composer).toBeFocused();
    await expectFocusVisible(page);
  });

  await test.step('send a message that Bo sees', async () => {
    await ana.realtime.waitUntilConnected();
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await expect(room.message('Typed without a mouse')).toHaveAttribute('data-seq', /\d+/);
    await expect(room.composer).toBeFocused();
    await expect(room.composer).toHaveValue('');
    await bo.page.goto(`/c/${chatIdOf(page)}`);
    await expect(bo.roomWith(ana).message('Typed without a mouse')).toBeVisible();
  });

  await test.step("a message's menu opens, moves with arrows and closes back onto its button", async () => {
    const actions = room.message('Typed without a mouse').getByRole('button', { name: 'Message actions' });
    await tabTo(page, actions, { backwards: true, max: 10 });
    await expectFocusVisible(page);
    await page.keyboard.press('Enter');
    const menu = room.section.getByRole('menu', { name: 'Message actions' });
    await expect(menu).toBeVisible();
    const items = menu.getByRole('menuitem');
    await expect(items.first()).toBeFocused();
    await page.keyboard.press('End');
    await expect(items.last()).toBeFocused();
    await expectFocusVisible(page);
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(actions).toBeFocused();
  });

  await test.step('sign out', async () => {
    await tabTo(page, app.signOut, { backwards: true, max: 40 });
    await expectFocusVisible(page);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  });
});

test('messages from others arriving live are announced politely; history, older pages and my own sends are not', async ({ people }) => {
  test.slow();
  const [ana, bo] = [await people.signUp('Ana'), await people.signUp('Bo')];
  await ana.app.startChatWith(bo.searchTerm, bo);
  const chatId = chatIdOf(ana.page);
  // More than one page of history (the server renders the newest 25), so there is an older page to load.
  await ana.sendMessagesViaSocket(
    chatId,
    Array.from({ length: 30 }, (_, index) => `history ${index + 1}`),
  );

  const { page } = bo;
  const room = bo.roomWith(ana);
  const announcer = room.section.getByTestId('new-message-announcer');
  await page.goto(`/c/${chatId}`);
  await expect(room.message('history 30')).toBeVisible();
  await bo.realtime.waitUntilConnected();
  await expect(announcer).toHaveAttribute('aria-live', 'polite');
  await expect(announcer).toHaveText('');

  // Reading back to the top loads the older page (whether or not the list already fetched it by itself).
  await room.scroller.evaluate((scroller) => scroller.scrollTo({ top: 0 }));
  await expect(room.message(/history 1(?!\d)/)).toBeAttached();
  await expect(room.beginning).toBeVisible();
  await expect(announcer).toHaveText('');

  await room.send('my own words');
  await expect(room.message('my own words')).toHaveAttribute('data-seq', /\d+/);
  await expect(announcer).toHaveText('');

  await ana.sendMessagesViaSocket(chatId, ['hello from Ana']);
  await expect(room.message('hello from Ana')).toBeVisible();
  await expect(announcer).toHaveText(`${ana.displayName}: hello from Ana`);
});
