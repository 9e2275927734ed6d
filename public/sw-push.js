// Web Push for Parley's service worker: public/sw.js loads it with importScripts('/sw-push.js').
// The server decides what a push says (lib/push/payload.ts: who wrote and what, or only "New message" on a device
// with private previews); this file shows it, and a click opens that chat.
//
// Every push shows a notification: Chrome allows only pushes the user sees (userVisibleOnly), and counts a push
// without one against the site.

const PUSH_ICON = '/icons/icon-192.png';
const FALLBACK = { title: 'Parley', body: 'New message', url: '/', tag: undefined };

/** Only a path of this app: a push is decrypted with our keys, but a click must never leave the app whatever it says. */
function appUrl(url) {
  try {
    const resolved = new URL(typeof url === 'string' ? url : '/', self.location.origin);
    return resolved.origin === self.location.origin ? resolved.href : new URL('/', self.location.origin).href;
  } catch {
    return new URL('/', self.location.origin).href;
  }
}

/** The payload as the server sends it ({chatId, url, title, body, tag}); anything unreadable still shows something. */
function readPush(data) {
  let payload = null;
  try {
    payload = data ? data.json() : null;
  } catch {
    payload = null;
  }
  if (!payload || typeof payload !== 'object') return { ...FALLBACK, url: appUrl(FALLBACK.url) };
  const text = (value, fallback) => (typeof value === 'string' && value.length > 0 ? value : fallback);
  return {
    title: text(payload.title, FALLBACK.title),
    body: text(payload.body, FALLBACK.body),
    url: appUrl(payload.url),
    tag: text(payload.tag, undefined),
  };
}

/** Shows one push; the tag is the chat, so a chat's newer message replaces its older notification, and alerts again. */
async function showPush(data) {
  const push = readPush(data);
  await self.registration.showNotification(push.title, {
    body: push.body,
    icon: PUSH_ICON,
    badge: PUSH_ICON,
    tag: push.tag,
    renotify: Boolean(push.tag),
    data: { url: push.url },
  });
}

/**
 * Focuses a window of the app and takes it to the chat: one already there, else any (navigated), else a new one.
 * focus() and openWindow() need the click's user activation; navigate() does not, so it is tried even if focus fails.
 */
async function openChat(url) {
  const target = appUrl(url);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const same = windows.find((client) => client.url === target);
  const chosen = same ?? windows.find((client) => client.focused) ?? windows.find((client) => client.visibilityState === 'visible') ?? windows[0];
  if (!chosen) return self.clients.openWindow(target);
  try {
    await chosen.focus();
  } catch {
    // Not allowed without a user's click (e.g. a click dispatched by a test): navigating still works.
  }
  if (chosen.url === target) return chosen;
  try {
    // Only a window this worker controls can be navigated; navigate resolves null when it ends up elsewhere.
    return (await chosen.navigate(target)) ?? self.clients.openWindow(target);
  } catch {
    return self.clients.openWindow(target);
  }
}

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(event.data));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data;
  const opening = openChat(data && typeof data === 'object' ? data.url : undefined);
  // Keeps the worker alive until the window is open. Only a real click can (waitUntil throws on a synthetic event,
  // as DevTools or a test dispatches); the window opens all the same.
  if (event.isTrusted) event.waitUntil(opening);
});

/**
 * The browser renewed this device's subscription (Firefox does; Chrome does not fire this): tell the server, which
 * replaces the signed-in user's old one and keeps its previews choice (app/api/push/subscription/route.ts). Without
 * an old endpoint the server cannot tell whose device this was: the user turns notifications on again in Settings.
 */
async function renewSubscription(event) {
  const old = event.oldSubscription;
  if (!old) return;
  const renewed = event.newSubscription ?? (await self.registration.pushManager.subscribe(old.options));
  await fetch('/api/push/subscription', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ oldEndpoint: old.endpoint, subscription: renewed.toJSON() }),
  });
}

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(renewSubscription(event).catch(() => {}));
});
