'use client';

/** Set while this device receives pushes, so the in-page notifications step aside for them (same tag, same text). */
const PUSH_DEVICE_FLAG = 'parley:push-device';

// Storage can be missing (private modes): then the page notifies as if push were off.
export function markPushDevice(on: boolean): void {
  try {
    if (on) localStorage.setItem(PUSH_DEVICE_FLAG, '1');
    else localStorage.removeItem(PUSH_DEVICE_FLAG);
  } catch {
    // See above.
  }
}

export function isPushDevice(): boolean {
  try {
    return localStorage.getItem(PUSH_DEVICE_FLAG) === '1';
  } catch {
    return false;
  }
}

/**
 * Sign-out: this browser stops receiving the last person's pushes. Unsubscribing ends the endpoint at the push
 * service, so the server's next push to it answers 404/410 and the server forgets it.
 */
export async function unsubscribeThisDevice(): Promise<void> {
  markPushDevice(false);
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager?.getSubscription();
  await subscription?.unsubscribe();
}
