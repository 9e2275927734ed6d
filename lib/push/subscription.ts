import { isIP } from 'node:net';
import { z } from 'zod';

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
 * Where the server will POST, as this device's push service. web-push speaks only https, so http is refused
 * everywhere. In production the host must be a name on port 443, as every browser's push service is: a subscription
 * is user input, and an IP literal, localhost or another port would let a user point the server at its own network.
 * Outside production a loopback host on any port is allowed, for a push service emulator and the tests.
 */
export function endpointSchema(options: { production: boolean }) {
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
      const host = url.hostname.replace(/^\[|\]$/g, '');
      return url.port === '' && isIP(host) === 0 && host !== 'localhost' && host.includes('.');
    }, 'not a push service URL');
}

/** What the settings page sends: PushSubscription.toJSON()'s endpoint and keys (other fields are dropped), and the previews choice. */
export function pushSubscriptionSchema(options: { production: boolean }) {
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
