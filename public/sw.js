// Parley's service worker: the app shell for offline use, and a cache for immutable assets.
// It never caches personal pages or data: those come from the server, or, offline, from the page's own
// IndexedDB copy (lib/offline/store.ts). The shell (/app-shell) renders nothing personal: a navigation that
// cannot reach the server gets it, and it shows what the device saved.
//
// Web Push (showing a push, opening its chat on click) lives in its own file.
importScripts('/sw-push.js');

// Bump CACHE whenever PRECACHE or the offline page changes, so the old copies are dropped on activate.
const CACHE = 'parley-shell-v2';
const OFFLINE_URL = '/offline.html';
const SHELL_URL = '/app-shell';
const PRECACHE = [
  OFFLINE_URL,
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
];
/** Navigations the shell can stand in for: the chat list and a chat. */
const SHELL_PATHS = /^\/(c\/[^/]+\/?)?$/;
/** Build output the shell's HTML refers to (scripts, styles), in attributes and in the inline RSC payload. */
const STATIC_ASSET = /\/_next\/static\/[^"'\\\s)<>]+/g;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'reload' skips the HTTP cache, so a new version never precaches an old copy.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
      // Best effort: without it, offline navigations get the plain offline page until a page asks again.
      await cacheShell().catch(() => {});
      // Nothing here can break an open page (we never cache pages), so take over at once.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

// A page asks after each load, so a new build's shell (and its scripts) is cached while online; at most once
// an hour, so page loads do not each cost a server render (an older shell still works: its scripts are cached).
const SHELL_REFRESH_MS = 60 * 60_000;
self.addEventListener('message', (event) => {
  if (event.data?.type === 'refresh-shell') event.waitUntil(refreshShellIfOld().catch(() => {}));
});

async function refreshShellIfOld() {
  const cached = await caches.match(SHELL_URL);
  const fetchedAt = Date.parse(cached?.headers.get('date') ?? '');
  if (Date.now() - fetchedAt < SHELL_REFRESH_MS) return;
  await cacheShell();
}

/** Caches the shell and every build asset it names, assets first, so a cached shell never lacks its code. */
async function cacheShell() {
  const response = await fetch(SHELL_URL, { cache: 'no-store', redirect: 'error' });
  if (!response.ok) return;
  const html = await response.clone().text();
  const cache = await caches.open(CACHE);
  const assets = [...new Set(html.match(STATIC_ASSET) ?? [])];
  await Promise.all(
    assets.map(async (url) => {
      if (await cache.match(url)) return;
      const asset = await fetch(url);
      if (!asset.ok) throw new Error(`${url}: ${asset.status}`);
      await cache.put(url, asset);
    }),
  );
  await cache.put(SHELL_URL, response);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;

  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Auth, history and the socket transport must always reach the server untouched;
  // returning without respondWith leaves them to the browser.
  if (url.pathname.startsWith('/api') || url.pathname.startsWith('/socket.io')) return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirstNavigation(event));
    return;
  }

  if (url.pathname.startsWith('/_next/static/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(cacheFirst(event));
  }
  // Everything else (RSC payloads, public files) goes straight to the network.
});

// No navigation preload: it would also fire for /api navigations (auth callbacks)
// that this worker deliberately leaves alone, cancelling or repeating them.
async function networkFirstNavigation(event) {
  try {
    return await fetch(event.request);
  } catch {
    // Only a network failure lands here; a server error page is still the truth.
    const shell = SHELL_PATHS.test(new URL(event.request.url).pathname) ? await caches.match(SHELL_URL) : undefined;
    const offline = shell ?? (await caches.match(OFFLINE_URL));
    return offline ?? Response.error();
  }
}

async function cacheFirst(event) {
  const cached = await caches.match(event.request);
  if (cached) return cached;

  const response = await fetch(event.request);
  // Next serves hashed build output as "immutable" in production only; in dev the
  // same URLs change content, so caching anything else would serve stale code.
  // Icons need no runtime caching: they are precached on install.
  if (response.ok && isImmutable(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
  }
  return response;
}

function isImmutable(response) {
  return (response.headers.get('Cache-Control') ?? '').includes('immutable');
}
