'use client';

import { useEffect } from 'react';

export function RegisterServiceWorker() {
  useEffect(() => {
    // Unsupported browsers (and insecure origins other than localhost) simply
    // go without offline support; the chat itself never depends on the worker.
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then(() => navigator.serviceWorker.ready)
      // After a deploy the offline shell must be the new build's: the worker re-reads it while we are online.
      .then((registration) => registration.active?.postMessage({ type: 'refresh-shell' }))
      .catch((error: unknown) => {
        console.warn('Service worker registration failed', error);
      });
  }, []);

  return null;
}
