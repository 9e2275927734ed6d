/**
 * Storage keys are made by the app (e.g. `attachments/<chatId>/<id>/original`), never typed by users, so the rule can
 * be strict: '/'-separated segments of letters, digits, '.', '_' and '-', none of them empty, '.' or '..'. That keeps a
 * key from escaping the filesystem backend's directory and means the same key is valid on every S3 flavour.
 */
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const KEY_MAX_LENGTH = 512;

export class InvalidStorageKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`Invalid storage key ${JSON.stringify(key.slice(0, 100))}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** Throws InvalidStorageKeyError unless `key` follows the rule above; returns its segments. */
export function requireValidKey(key: string): string[] {
  if (key.length === 0) throw new InvalidStorageKeyError(key, 'empty');
  if (key.length > KEY_MAX_LENGTH) throw new InvalidStorageKeyError(key, `longer than ${KEY_MAX_LENGTH} characters`);
  const segments = key.split('/');
  for (const segment of segments) {
    // An empty segment is a leading '/' (absolute), a trailing '/' or '//'.
    if (segment === '') throw new InvalidStorageKeyError(key, 'absolute, or an empty segment');
    if (segment === '.' || segment === '..') throw new InvalidStorageKeyError(key, `'${segment}' segment`);
    if (!SEGMENT.test(segment)) throw new InvalidStorageKeyError(key, 'only letters, digits, ".", "_" and "-" between slashes');
  }
  return segments;
}
