import { z } from 'zod';
import { getEnv } from '@/lib/env';

/** Longer than any push service's endpoint we know of (FCM's are ~200 characters). */
export const ENDPOINT_MAX_LENGTH = 2048;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** base64url as browsers give it (PushSubscription.toJSON: no padding; tolerate '=' padding), of exactly `bytes` bytes. */
const base64urlKey = (bytes: number) =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/)
    .transform((value) => value.replace(/=+$/, ''))
    .refine((value) => Buffer.from(value, 'base64url').length === bytes);

/**
 * The push services browsers use (Chrome, Edge, Opera, Samsung: FCM; Firefox: Mozilla; Safari: Apple; legacy
 * Edge: WNS). `.`-prefixed entries match any subdomain. PUSH_SERVICE_HOSTS replaces the list.
 */
export const DEFAULT_PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', '.push.apple.com', '.notify.windows.com'];

function hostAllowed(host: string, allowed: string[]): boolean {
  return allowed.some((entry) => (entry.startsWith('.') ? host.endsWith(entry) && host.length > entry.length : host === entry));
}

/**
 * Where the server will POST, as this device's push service. A subscription is user input: any other host would
 * let a user aim the server at its own network (a name can resolve anywhere, `10.0.0.5.nip.io` included) or hold
 * its push slots with a deliberately slow server. So in production only the known push services, over https on
 * port 443 (web-push speaks only https). Outside production a loopback host on any port is allowed as well, for a
 * push service emulator and the tests.
 */
export function endpointSchema(options: { production: boolean; hosts?: string[] }) {
  const allowed = (options.hosts ?? DEFAULT_PUSH_SERVICE_HOSTS).map((host) => host.toLowerCase());
  return z
    .string()
    .max(ENDPOINT_MAX_LENGTH)
    .refine((value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return false;
      }
      if (url.protocol !== 'https:' || url.username || url.password || url.hash) return false;
      if (!options.production && LOOPBACK_HOSTS.has(url.hostname)) return true;
      return url.port === '' && hostAllowed(url.hostname, allowed);
    }, 'not a push service URL');
}

/** The endpoint rules this deployment runs with: production or not, and PUSH_SERVICE_HOSTS. */
export function endpointRulesFromEnv(): { production: boolean; hosts?: string[] } {
  const env = getEnv();
  return { production: env.NODE_ENV === 'production', hosts: env.PUSH_SERVICE_HOSTS };
}

/** What the settings page sends: PushSubscription.toJSON()'s endpoint and keys (other fields are dropped), and the previews choice. */
export function pushSubscriptionSchema(options: { production: boolean; hosts?: string[] }) {
  return z.object({
    endpoint: endpointSchema(options),
    keys: z.object({
      // An uncompressed P-256 point (RFC 8291 §3.1): 65 bytes, the first 0x04.
      p256dh: base64urlKey(65).refine((value) => Buffer.from(value, 'base64url')[0] === 0x04),
      // The authentication secret: 16 bytes.
      auth: base64urlKey(16),
    }),
    previews: z.boolean().default(true),
  });
}
