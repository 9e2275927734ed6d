'use client';

import { loadMessageActionsMenu } from '@/components/chat/message-actions-loader';

/**
 * A part of the chat loaded on first use that offline reading needs: the message menu (reply, copy, react). The
 * service worker keeps every build file a page it controls fetches, so once it controls the page (a
 * second visit) the menu is fetched when the browser is idle and is then on the device. Never on a first visit: that
 * load is the one the JS budget measures, and no worker would keep them yet.
 */
const controlledAtLoad = typeof navigator !== 'undefined' && Boolean(navigator.serviceWorker?.controller);
let warmed = false;

export function warmOfflineParts(): void {
  if (!controlledAtLoad || warmed) return;
  warmed = true;
  const fetchParts = () => void loadMessageActionsMenu().catch(() => {});
  // Safari has no requestIdleCallback.
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(fetchParts, { timeout: 10_000 });
  else setTimeout(fetchParts, 2_000);
}
