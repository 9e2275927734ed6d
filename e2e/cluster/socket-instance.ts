import type { Page } from '@playwright/test';

/**
 * Which instance serves a page's Socket.IO WebSocket, read from the handshake response's `x-parley-instance`
 * header through the Chrome DevTools Protocol (Playwright's WebSocket object does not expose response headers).
 * Install before the page opens its socket.
 */
export async function watchSocketInstance(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const urls = new Map<string, string>();
  const handshakes: string[] = [];
  cdp.on('Network.webSocketCreated', (event) => urls.set(event.requestId, event.url));
  cdp.on('Network.webSocketHandshakeResponseReceived', (event) => {
    if (!urls.get(event.requestId)?.includes('/socket.io/')) return;
    const header = Object.entries(event.response.headers).find(([name]) => name.toLowerCase() === 'x-parley-instance');
    handshakes.push(header ? String(header[1]) : 'unknown');
  });
  await cdp.send('Network.enable');
  return {
    /** Every handshake so far, oldest first. */
    handshakes,
    /** The instance of the newest socket. */
    current: () => handshakes.at(-1),
  };
}
