'use client';

/**
 * Parts of the chat loaded on first use that offline reading needs: the message menu (reply, copy, react) and
 * attachments. The service worker keeps every build file a page it controls fetches, so once it controls the page (a
 * second visit) they are fetched when the browser is idle and are then on the device. Never on a first visit: that
 * load is the one the JS budget measures, and no worker would keep them yet.
 */
const controlledAtLoad = typeof navigator !== 'undefined' && Boolean(navigator.serviceWorker?.controller);
let warmed = false;

export function warmOfflineParts(): void {
  if (!controlledAtLoad || warmed) return;
  warmed = true;
  const fetchParts = () => {
    void import('@/components/chat/message-actions-menu').catch(() => {});
    void import('@/components/chat/attachments/message-attachments').catch(() => {});
  };
  // Safari has no requestIdleCallback.
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(fetchParts, { timeout: 10_000 });
  else setTimeout(fetchParts, 2_000);
}
