// Parley's service worker: an offline page and a cache for immutable assets.
// It deliberately never caches pages or data: chat must always be live, and a
// stale page could show a conversation that has moved on.
//
// Bump CACHE whenever PRECACHE or the offline page changes, so the old copies
// are dropped on activate.
const CACHE = 'parley-shell-v1';
const OFFLINE_URL = '/offline.html';
const PRECACHE = [
  OFFLINE_URL,
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'reload' skips the HTTP cache, so a new version never precaches an old copy.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
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
    const offline = await caches.match(OFFLINE_URL);
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
