'use client';

import { useEffect, useId, useState } from 'react';
import { deletePushSubscription, getPushDevice, savePushSubscription, setPushPreviews } from '@/app/(chat)/settings/push-actions';
import { errorMessages } from '@/components/ui/error-messages';
import { markPushDevice } from '@/lib/push/device';


type Support = 'checking' | 'unsupported' | 'ios-install' | 'ready';
type DeviceState = { support: Support; permission: NotificationPermission; enabled: boolean; previews: boolean };

const isIos = () => /iP(hone|ad|od)/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
const isInstalled = () => window.matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

const sameKey = (a: ArrayBuffer | null, b: Uint8Array) => a !== null && a.byteLength === b.length && new Uint8Array(a).every((byte, i) => byte === b[i]);

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** What this browser can do, what it allows, and whether the server has this device for this user. */
async function readDeviceState(): Promise<DeviceState> {
  const off = { permission: 'default' as const, enabled: false, previews: true };
  // iOS and iPadOS offer Web Push only to an app added to the Home Screen; Safari itself has no PushManager.
  if (isIos() && !isInstalled() && !('PushManager' in window)) return { support: 'ios-install', ...off };
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || typeof Notification === 'undefined') return { support: 'unsupported', ...off };
  const permission = Notification.permission;
  const subscription = permission === 'granted' ? await currentSubscription() : null;
  const device = subscription ? await getPushDevice({ endpoint: subscription.endpoint }) : null;
  const known = device?.ok === true && device.data !== null ? device.data : null;
  // The server may have dropped this device (expired, replaced, a new key): the page's own notifications resume.
  if (device?.ok) markPushDevice(known !== null);
  return { support: 'ready', permission, enabled: known !== null, previews: known?.previews ?? true };
}

export function PushSettings({ vapidPublicKey }: { vapidPublicKey: string | null }) {
  const [state, setState] = useState<DeviceState>({ support: 'checking', permission: 'default', enabled: false, previews: true });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    let cancelled = false;
    readDeviceState()
      .then((next) => !cancelled && setState(next))
      .catch(() => !cancelled && setState((current) => ({ ...current, support: 'ready' })));
    return () => {
      cancelled = true;
    };
  }, []);

  async function run(work: () => Promise<Partial<DeviceState> | string>) {
    setBusy(true);
    setError(null);
    try {
      const outcome = await work();
      if (typeof outcome === 'string') setError(outcome);
      else setState((current) => ({ ...current, ...outcome }));
    } catch {
      setError('This browser could not reach its push service. Please try again later.');
    } finally {
      setBusy(false);
    }
  }

  const enable = () =>
    run(async () => {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return { permission };
      const key = keyBytes(vapidPublicKey ?? '');
      const registration = await navigator.serviceWorker.ready;
      let subscription = await registration.pushManager.getSubscription();
      // Made for another server key (the keys were replaced): it can no longer receive our pushes.
      if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      const saved = await savePushSubscription({ ...subscription.toJSON(), previews: state.previews });
      if (!saved.ok) return errorMessages[saved.error];
      markPushDevice(true);
      return { permission, enabled: true };
    });

  const disable = () =>
    run(async () => {
      const subscription = await currentSubscription();
      if (subscription) {
        await deletePushSubscription({ endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      markPushDevice(false);
      return { enabled: false };
    });

  const choosePreviews = (previews: boolean) =>
    run(async () => {
      const subscription = await currentSubscription();
      if (subscription) {
        const saved = await setPushPreviews({ endpoint: subscription.endpoint, previews });
        if (!saved.ok) return errorMessages[saved.error];
      }
      return { previews };
    });

  if (!vapidPublicKey) return <p className="text-sm text-muted">Push notifications are not set up on this server.</p>;
  if (state.support === 'unsupported') return <p className="text-sm text-muted">This browser cannot show notifications from Parley.</p>;
  if (state.support === 'ios-install') {
    return (
      <p className="text-sm text-muted">
        On iPhone and iPad, notifications need Parley on your Home Screen: tap Share, then &ldquo;Add to Home Screen&rdquo;, open Parley from
        there and turn them on in its settings.
      </p>
    );
  }
  const denied = state.permission === 'denied';
  return (
    <div className="flex flex-col gap-3" aria-busy={busy || state.support === 'checking'}>
      <label className="flex items-start gap-3">
        <input
          type="checkbox"
          role="switch"
          checked={state.enabled}
          disabled={busy || denied || state.support === 'checking'}
          onChange={(event) => void (event.target.checked ? enable() : disable())}
          aria-describedby={`${id}-push-hint`}
          className="mt-1 h-4 w-4"
        />
        <span>
          <span className="block font-medium">Notifications on this device</span>
          <span id={`${id}-push-hint`} className="block text-sm text-muted">
            {denied
              ? 'Notifications are blocked for Parley in this browser’s site settings. Allow them there, then come back.'
              : 'New messages while Parley is not open in front of you. Muted chats stay silent unless someone mentions you.'}
          </span>
        </span>
      </label>
      {state.enabled ? (
        <label className="flex items-start gap-3">
          <input
            type="checkbox"
            role="switch"
            checked={state.previews}
            disabled={busy}
            onChange={(event) => void choosePreviews(event.target.checked)}
            aria-describedby={`${id}-previews-hint`}
            className="mt-1 h-4 w-4"
          />
          <span>
            <span className="block font-medium">Show message text</span>
            <span id={`${id}-previews-hint`} className="block text-sm text-muted">
              Off: notifications on this device say only &ldquo;New message&rdquo;, not who wrote or what.
            </span>
          </span>
        </label>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}
