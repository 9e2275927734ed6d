import type { IncomingMessage } from 'node:http';

/** The header server.ts sets on every request; anything a client sent under this name is overwritten. */
export const CLIENT_ADDRESS_HEADER = 'x-parley-client-address';

/**
 * The address of the person behind a request. Behind a trusted proxy (TRUST_PROXY=true, as under nginx),
 * the last X-Forwarded-For hop is the one the proxy itself appended; otherwise it is the TCP peer.
 */
export function getClientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((hop) => hop.trim()).filter(Boolean);
  if (trustProxy && hops.length > 0) return hops.at(-1)!;
  return req.socket.remoteAddress ?? 'unknown';
}
