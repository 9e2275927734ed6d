import type { Page, Worker } from '@playwright/test';
import { buildPushPayload } from '../lib/push/payload';
import { chatIdOf, expect, test, type Person } from './fixtures';
import { SettingsPage } from './pages/chat-pages';

/**
 * Web Push in Chromium without a push service: DevTools delivers the push to the service worker
 * (ServiceWorker.deliverPushMessage), exactly as a push service's message would arrive, with the payload the server
 * sends for this chat (lib/push/payload.ts builds both). The server's side (encryption, VAPID, who gets what) is
 * proven against a loopback push service in lib/push/*.test.ts.
 */

/** What the page's TypeScript (DOM, not WebWorker, library) needs to know of the worker's global scope. */
type WorkerScope = {
  registration: ServiceWorkerRegistration;
  dispatchEvent(event: Event): boolean;
  NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
};

/** The app's active service worker, once it controls the page. */
async function controllingWorker(person: Person, baseURL: string): Promise<Worker> {
  await expect.poll(() => person.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toBe(`${baseURL}/sw.js`);
  const worker = person.context.serviceWorkers().find((candidate) => candidate.url() === `${baseURL}/sw.js`);
  return worker ?? person.context.waitForEvent('serviceworker', (candidate) => candidate.url() === `${baseURL}/sw.js`);
}

/** Delivers `data` to the page's service worker registration as a push message, through the DevTools protocol. */
async function deliverPush(page: Page, baseURL: string, data: string) {
  const cdp = await page.context().newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const registration = registrations.find((candidate) => candidate.scopeURL === `${baseURL}/` && !candidate.isDeleted);
      if (registration) resolve(registration.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL, registrationId: await registrationId, data });
  await cdp.detach();
}

/**
 * A push may first have to start the worker (importScripts and all), which under load took longer than the default
 * 5 s once in CI: wait longer for a notification to show.
 */
const SHOWN = { timeout: 15_000 };

const notificationsOf = (worker: Worker) =>
  worker.evaluate(async () =>
    (await (self as unknown as WorkerScope).registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      icon: n.icon,
      data: n.data as { url?: string },
    })),
  );

test('a push shows the chat’s notification, and its click takes an open window of the app to that chat', async ({ people, baseURL }) => {
  if (!baseURL) throw new Error('baseURL is not configured');
  const [ana, bo] = [await people.signUp('Ana'), await people.signUp('Bo')];
  const room = await ana.app.startChatWith(bo.searchTerm, bo);
  const chatId = chatIdOf(ana.page);
  await room.send('Are you coming tonight?');
  await bo.context.grantPermissions(['notifications'], { origin: baseURL });
  // Bo is elsewhere in the app, on the settings page.
  await new SettingsPage(bo.page).goto();
  const worker = await controllingWorker(bo, baseURL);

  const payload = buildPushPayload({ chatId, chatKind: 'direct', chatTitle: null, senderName: ana.displayName, body: 'Are you coming tonight?', previews: true });
  await deliverPush(bo.page, baseURL, JSON.stringify(payload));

  await expect.poll(() => notificationsOf(worker), SHOWN).toEqual([
    { title: ana.displayName, body: 'Are you coming tonight?', tag: chatId, icon: `${baseURL}/icons/icon-192.png`, data: { url: `${baseURL}/c/${chatId}` } },
  ]);

  // A newer push for the same chat replaces the notification rather than adding one.
  await deliverPush(bo.page, baseURL, JSON.stringify({ ...payload, body: 'Hello?' }));
  await expect.poll(async () => (await notificationsOf(worker)).map((n) => n.body), SHOWN).toEqual(['Hello?']);

  // No real click on a system notification can be produced here: the worker's own notificationclick listener runs on
  // a click event dispatched inside the worker, for the notification it showed.
  await worker.evaluate(async (tag) => {
    const scope = self as unknown as WorkerScope;
    const [notification] = await scope.registration.getNotifications({ tag });
    if (!notification) throw new Error('no notification to click');
    scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
  }, chatId);

  await expect(bo.page).toHaveURL(`/c/${chatId}`);
  await expect(bo.roomWith(ana).section).toBeVisible();
  await expect(bo.roomWith(ana).section.getByText('Are you coming tonight?')).toBeVisible();
  await expect.poll(() => notificationsOf(worker)).toEqual([]);
});

test('a push whose data is unreadable still shows a notification, and never a link out of the app', async ({ people, baseURL }) => {
  if (!baseURL) throw new Error('baseURL is not configured');
  const bo = await people.signUp('Bo');
  await bo.context.grantPermissions(['notifications'], { origin: baseURL });
  const worker = await controllingWorker(bo, baseURL);

  await deliverPush(bo.page, baseURL, JSON.stringify({ title: 'Phish', body: 'Click', url: 'https://evil.example/', tag: 'x' }));
  await expect.poll(() => notificationsOf(worker), SHOWN).toEqual([{ title: 'Phish', body: 'Click', tag: 'x', icon: `${baseURL}/icons/icon-192.png`, data: { url: `${baseURL}/` } }]);

  await deliverPush(bo.page, baseURL, 'not json');
  await expect.poll(async () => (await notificationsOf(worker)).map((n) => [n.title, n.body]), SHOWN).toContainEqual(['Parley', 'New message']);
});

test.describe('settings: notifications on this device', () => {
  test('with permission to ask: a labelled switch, described, and no previews switch until it is on', async ({ people }) => {
    const bo = await people.signUp('Bo');
    await new SettingsPage(bo.page).goto();
    const toggle = bo.page.getByRole('switch', { name: 'Notifications on this device' });
    await expect(toggle).toBeEnabled();
    await expect(toggle).not.toBeChecked();
    await expect(toggle).toHaveAccessibleDescription(/while Parley is not open in front of you/);
    await expect(bo.page.getByRole('switch', { name: 'Show message text' })).toHaveCount(0);
  });

  test('blocked in the browser: the switch is off and says where to allow them', async ({ people, baseURL }) => {
    const bo = await people.signUp('Bo');
    const cdp = await bo.context.newCDPSession(bo.page);
    // Playwright can only grant; DevTools can deny, in this person's browser context.
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    await cdp.send('Browser.setPermission', { origin: baseURL, browserContextId: targetInfo.browserContextId, permission: { name: 'notifications' }, setting: 'denied' });
    expect(await bo.page.evaluate(() => Notification.permission)).toBe('denied');
    await new SettingsPage(bo.page).goto();
    const toggle = bo.page.getByRole('switch', { name: 'Notifications on this device' });
    await expect(toggle).toBeDisabled();
    await expect(toggle).toHaveAccessibleDescription(/blocked for Parley in this browser’s site settings/);
  });

  test('on iPhone Safari before installation: how to add Parley to the Home Screen first', async ({ people }) => {
    const bo = await people.signUp('Bo');
    await bo.page.addInitScript(() => {
      Object.defineProperty(navigator, 'userAgent', { get: () => 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1' });
      delete (window as { PushManager?: unknown }).PushManager;
    });
    await new SettingsPage(bo.page).goto();
    await expect(bo.page.getByText(/notifications need Parley on your Home Screen/)).toBeVisible();
    await expect(bo.page.getByRole('switch', { name: 'Notifications on this device' })).toHaveCount(0);
  });

  test('a browser without Web Push says so', async ({ people }) => {
    const bo = await people.signUp('Bo');
    await bo.page.addInitScript(() => delete (window as { PushManager?: unknown }).PushManager);
    await new SettingsPage(bo.page).goto();
    await expect(bo.page.getByText('This browser cannot show notifications from Parley.')).toBeVisible();
  });
});
