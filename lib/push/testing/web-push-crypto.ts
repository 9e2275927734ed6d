/**
 * The browser's half of Web Push, written from the RFCs with node:crypto only (never with web-push, whose output
 * it checks): a subscription's key pair, decryption of an aes128gcm body (RFC 8291 with RFC 8188), and
 * verification of the VAPID Authorization header (RFC 8292).
 */
import crypto from 'node:crypto';

export type TestSubscriptionKeys = {
  /** base64url, as PushSubscription.toJSON() gives them. */
  p256dh: string;
  auth: string;
  ecdh: crypto.ECDH;
  authSecret: Buffer;
};

export function makeSubscriptionKeys(): TestSubscriptionKeys {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = crypto.randomBytes(16);
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url'), ecdh, authSecret };
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) => Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, length));

/** RFC 8188 §2 header, RFC 8291 §3.3–3.4 keys; one record (Web Push payloads fit in one 4,096-byte record). */
export function decryptAes128gcm(body: Buffer, keys: TestSubscriptionKeys): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const senderPublicKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65 || record.length > recordSize) throw new Error(`unexpected header: keyid ${idLength} bytes, record ${record.length}/${recordSize}`);

  const ecdhSecret = keys.ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), senderPublicKey]);
  const ikm = hkdf(ecdhSecret, keys.authSecret, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12);

  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero or more padding zeros.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('missing the last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export type VapidClaims = { aud: string; exp: number; sub: string };

/** Parses `vapid t=<JWT>, k=<public key>`, checks the ES256 signature with k, and returns k and the claims. */
export function verifyVapidHeader(header: string | undefined): { publicKey: string; claims: VapidClaims } {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a VAPID Authorization header: ${header}`);
  const [, token, publicKey] = match as unknown as [string, string, string];
  const [encodedHeader, encodedClaims, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(publicKey, 'base64url');
  const key = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`);
  if (!crypto.verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) {
    throw new Error('VAPID JWT signature does not verify with k');
  }
  const jwtHeader = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as { alg: string };
  if (jwtHeader.alg !== 'ES256') throw new Error(`VAPID JWT alg ${jwtHeader.alg}`);
  return { publicKey, claims: JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as VapidClaims };
}
