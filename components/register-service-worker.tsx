'use client';

import { useEffect } from 'react';
import { markPushDevice } from '@/lib/push/device';

export function RegisterServiceWorker() {
  useEffect(() => {
    // Unsupported browsers (and insecure origins other than localhost) simply
    // go without offline support; the chat itself never depends on the worker.
    if (!('serviceWorker' in navigator)) return;
    const register = () =>
      navigator.serviceWorker
        .register('/sw.js', { scope: '/' })
        .then(() => navigator.serviceWorker.ready)
        .then(async (registration) => {
          // After a deploy the offline shell should be the new build's: the worker re-reads it while we are online.
          registration.active?.postMessage({ type: 'refresh-shell' });
          // No subscription here any more (the browser dropped it, or sign-out ended it): in-page notifications resume.
          if (!(await registration.pushManager?.getSubscription())) markPushDevice(false);
        })
        .catch((error: unknown) => {
          console.warn('Service worker registration failed', error);
        });
    // Installing the worker fetches the offline shell and every script it names: wait until the page has loaded
    // and the browser is idle, so that work never competes with the first load (Lighthouse TBT on a phone).
    // Safari has no requestIdleCallback: a second after load instead.
    const hasIdle = typeof window.requestIdleCallback === 'function';
    let idle: number | undefined;
    const whenIdle = () => {
      idle = hasIdle ? window.requestIdleCallback(register, { timeout: 5_000 }) : Number(setTimeout(register, 1_000));
    };
    if (document.readyState === 'complete') whenIdle();
    else window.addEventListener('load', whenIdle, { once: true });
    return () => {
      window.removeEventListener('load', whenIdle);
      if (idle === undefined) return;
      if (hasIdle) window.cancelIdleCallback(idle);
      else clearTimeout(idle);
    };
  }, []);

  return null;
}
