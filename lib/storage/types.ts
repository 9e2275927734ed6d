import type { Readable } from 'node:stream';

/**
 * Where attachment and avatar bytes live: one small interface, two backends (lib/storage/index.ts picks one from the
 * environment). Keys are '/'-separated paths made by the app (lib/attachments/keys.ts), never by users.
 */
export interface ObjectStorage {
  /** Stores the bytes under `key`, replacing what was there. A stream that errors stores nothing. */
  put(key: string, body: Buffer | Readable, meta: { contentType: string; size?: number }): Promise<void>;
  /** The object's bytes and size, or null when nothing is stored under `key`. */
  get(key: string): Promise<{ body: Readable; size: number } | null>;
  /** Removes the objects; a key with nothing stored is no error. */
  delete(keys: string[]): Promise<void>;
}
