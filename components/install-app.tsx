'use client';

import { useState, useSyncExternalStore } from 'react';
import { Dialog } from '@/components/ui/dialog';

/** Chromium's event (not in TypeScript's DOM library): prompt() may be called once, userChoice says what happened. */
type InstallPromptEvent = Event & {
  prompt: () => Promise<unknown>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
};

// The browser fires `beforeinstallprompt` once per page load, possibly before React hydrates: listen from the moment
// this module loads and keep the event where any mounted button can read it.
let deferred: InstallPromptEvent | null = null;
const listeners = new Set<() => void>();

function setDeferred(next: InstallPromptEvent | null) {
  deferred = next;
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    // Our own button offers it instead of the browser's mini-infobar.
    event.preventDefault();
    setDeferred(event as InstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => setDeferred(null));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * iOS has no install prompt: Safari (and, since iOS 16.4, other iOS browsers) add a site to the home screen from
 * the Share menu. iPadOS presents itself as a Mac, told apart by its touch screen. Nothing to say once installed.
 */
function isIosBrowserTab(): boolean {
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes('Macintosh') && navigator.maxTouchPoints > 1);
  const standalone = (navigator as Navigator & { standalone?: boolean }).standalone === true || window.matchMedia('(display-mode: standalone)').matches;
  return ios && !standalone;
}

const noChange = () => () => {};

/** "Install app" where the browser offers installation, or how to do it by hand on iOS; nothing elsewhere. */
export function InstallApp({ className }: { className: string }) {
  const prompt = useSyncExternalStore(subscribe, () => deferred, () => null);
  const ios = useSyncExternalStore(noChange, isIosBrowserTab, () => false);
  const [showHowTo, setShowHowTo] = useState(false);

  if (!prompt && !ios) return null;

  const install = async () => {
    if (!prompt) return setShowHowTo(true);
    // One prompt per event: whatever the answer, the button goes; the browser fires a new event if it may ask again.
    setDeferred(null);
    await prompt.prompt();
    await prompt.userChoice;
  };

  return (
    <>
      <button type="button" aria-label="Install app" title="Install app" aria-haspopup={prompt ? undefined : 'dialog'} onClick={() => void install()} className={className}>
        {/* A tray with an arrow down into it. */}
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="h-5 w-5">
          <path d="M12 3v12m0 0-4-4m4 4 4-4" />
          <path d="M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
        </svg>
      </button>
      {showHowTo ? (
        <Dialog title="Install Parley" onClose={() => setShowHowTo(false)}>
          <ol className="flex list-decimal flex-col gap-2 pl-5 text-sm">
            <li>
              Tap <strong>Share</strong> (the square with an arrow pointing up) in the browser&apos;s toolbar.
            </li>
            <li>
              Choose <strong>Add to Home Screen</strong>.
            </li>
            <li>
              Tap <strong>Add</strong>. Parley opens from your home screen like any other app.
            </li>
          </ol>
        </Dialog>
      ) : null}
    </>
  );
}
