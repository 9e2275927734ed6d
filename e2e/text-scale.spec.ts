import type { Locator, Page } from '@playwright/test';
import { chatIdOf, expect, test, uniqueSuffix } from './fixtures';
import { SettingsPage } from './pages/chat-pages';

/**
 * Text at 200% (WCAG 1.4.4): Chromium's default font size doubled through the DevTools protocol, which is what a
 * person's "font size: very large" setting does, and it lasts across navigations. Everything in rem grows.
 */
async function doubleTextSize(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32 } });
}

/**
 * Nothing is lost sideways: nothing scrolls horizontally (neither the page nor any box in it: a second scroll
 * direction is what WCAG's reflow rule forbids), and no visible element or text pokes out past the viewport's
 * sides (the app shell hides its overflow, so content pushed off screen could not even be scrolled to).
 */
async function expectNothingCutOffSideways(page: Page, where: string) {
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), 'the text really is at 200%').toBe('32px');
  const { scrollers, outside } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const describe = (element: Element) => {
      const label = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '';
      return `${element.tagName.toLowerCase()} "${label}"`;
    };
    const scrollers: string[] = [];
    const outside: string[] = [];
    const root = document.scrollingElement!;
    if (root.scrollWidth > root.clientWidth) scrollers.push(`the page (${root.scrollWidth} > ${root.clientWidth})`);
    for (const element of document.body.querySelectorAll('*')) {
      if (!element.checkVisibility({ visibilityProperty: true })) continue;
      const overflowX = getComputedStyle(element).overflowX;
      if ((overflowX === 'auto' || overflowX === 'scroll') && element.scrollWidth > element.clientWidth + 1) {
        scrollers.push(`${describe(element)} (${element.scrollWidth} > ${element.clientWidth})`);
      }
      const rect = element.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      if (rect.left < -1 || rect.right > width + 1) outside.push(`${describe(element)} ${Math.round(rect.left)}…${Math.round(rect.right)}`);
    }
    // Text can spill out of a box that stays in place (a long word that does not wrap): measure the text itself.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent?.trim() || !parent?.checkVisibility({ visibilityProperty: true })) continue;
      // Cut off with an ellipsis by its container: truncation, checked for the texts that matter below.
      if (parent.closest('.truncate, .sr-only')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const spilled = Array.from(range.getClientRects()).some((rect) => rect.width > 0 && (rect.left < -1 || rect.right > width + 1));
      if (spilled) outside.push(`text "${node.textContent.trim().slice(0, 30)}"`);
    }
    return { scrollers: scrollers.slice(0, 10), outside: outside.slice(0, 10) };
  });
  expect(scrollers, `${where}: nothing scrolls sideways`).toEqual([]);
  expect(outside, `${where}: nothing past the viewport's sides`).toEqual([]);
}

/** Shown whole: no part of the text hidden behind an ellipsis. */
async function expectNotTruncated(text: Locator) {
  const cut = await text.evaluate((element) =>
    [element, ...element.querySelectorAll('*')].some((node) => getComputedStyle(node).textOverflow === 'ellipsis' && node.scrollWidth > node.clientWidth),
  );
  expect(cut, `${text} is shown in full`).toBe(false);
}

/**
 * Scrolled to if need be, the element shows on screen and is cut at neither side. (A message taller than the
 * little room a phone leaves at 200% is read by scrolling, so only its width has to fit.)
 */
async function expectReachable(element: Locator) {
  await element.scrollIntoViewIfNeeded();
  await expect(element).toBeInViewport();
  const box = await element.boundingBox();
  const width = element.page().viewportSize()!.width;
  expect(box, `${element} has a box`).not.toBeNull();
  expect(box!.x, `${element}: left edge on screen`).toBeGreaterThanOrEqual(-0.5);
  expect(box!.x + box!.width, `${element}: right edge on screen`).toBeLessThanOrEqual(width + 0.5);
}

const layouts = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

for (const layout of layouts) {
  test(`text at 200% loses nothing: chat list, a chat, the composer and settings (${layout.name})`, async ({ people }) => {
    test.slow();
    // The longest username and a long display name: the text that has to fit is as long as the app allows.
    const longName = (name: string) => `${name.toLowerCase()}_${uniqueSuffix()}`.padEnd(32, 'x');
    const boTag = uniqueSuffix();
    const [ana, bo] = [
      await people.signUp('Ana', { username: longName('Ana'), displayName: `Ana Maria Lopez-Fernandez ${uniqueSuffix()}` }),
      await people.signUp('Bo', { username: longName('Bo'), displayName: `Bo Christensen-Vandermeer ${boTag}`, searchTerm: boTag }),
    ];
    const { page, app } = ana;
    await ana.app.startChatWith(bo.searchTerm, bo);
    const chatId = chatIdOf(page);
    await bo.sendMessagesViaSocket(chatId, [`A long line from Bo to wrap: ${'word '.repeat(40)}`, 'https://example.com/a/very/long/address/without/any/spaces/at/all/that/must/wrap/somewhere']);

    await page.setViewportSize(layout.viewport);
    await doubleTextSize(page);

    await test.step('chat list', async () => {
      await page.goto('/');
      await expect(app.chatItem(bo.displayName)).toBeVisible();
      await expectNothingCutOffSideways(page, 'chat list');
      await expectNotTruncated(app.currentUser);
      for (const control of [app.currentUser, page.getByRole('button', { name: 'New group' }), app.settingsLink, app.signOut, app.search, app.chatItem(bo.displayName)]) {
        await expectReachable(control);
      }
    });

    await test.step('a chat with messages, and the composer', async () => {
      const room = ana.roomWith(bo);
      await page.goto(`/c/${chatId}`);
      await expect(room.message('A long line from Bo')).toBeVisible();
      await expectNothingCutOffSideways(page, 'chat');
      await expectReachable(room.heading);
      await expectNotTruncated(room.heading);
      if (layout.name === 'phone') await expectReachable(room.backToChats);
      await expectReachable(room.message('https://example.com'));
      await expectReachable(room.composer);
      await ana.realtime.waitUntilConnected();
      await room.send('Still readable at twice the size');
      await expect(room.message('Still readable at twice the size')).toHaveAttribute('data-seq', /\d+/);
      await expectReachable(room.message('Still readable at twice the size'));
      await expectReachable(room.sendButton);
      await expectNothingCutOffSideways(page, 'chat after sending');
    });

    await test.step('settings', async () => {
      const settings = new SettingsPage(page);
      await settings.goto();
      await expectNothingCutOffSideways(page, 'settings');
      for (const control of [settings.hideLastSeen, settings.sendReadReceipts, settings.savePrivacy]) await expectReachable(control);
    });
  });
}

test('with reduced motion asked for, nothing animates or scrolls smoothly', async ({ people }) => {
  const [ana, bo] = [await people.signUp('Ana'), await people.signUp('Bo')];
  const { page } = ana;
  const room = await ana.app.startChatWith(bo.searchTerm, bo);
  await ana.realtime.waitUntilConnected();
  await room.send('Hold still');
  await expect(room.message('Hold still')).toHaveAttribute('data-seq', /\d+/);

  /** Elements with a transition or animation that takes time, or smooth scrolling. */
  const moving = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('*')).flatMap((element) => {
        const style = getComputedStyle(element);
        const timed = (list: string) => list.split(',').some((value) => parseFloat(value) > 0);
        const reasons = [
          timed(style.transitionDuration) && style.transitionProperty !== 'none' ? 'transition' : null,
          style.animationName !== 'none' && timed(style.animationDuration) ? 'animation' : null,
          style.scrollBehavior === 'smooth' ? 'smooth scroll' : null,
        ].filter(Boolean);
        return reasons.length ? [`${element.tagName.toLowerCase()}.${element.className.toString().split(' ')[0]}: ${reasons.join(', ')}`] : [];
      }),
    );

  // Without the preference the bubbles do ease their highlight: proof the probe sees motion where there is some.
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await moving()).not.toEqual([]);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await moving()).toEqual([]);
});
