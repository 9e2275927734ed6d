import { Readable, Transform } from 'node:stream';

/** A body of the wrong length is refused, not stored truncated: the declared size is what the database records. */
export class SizeMismatchError extends Error {
  constructor(expected: number, actual: string) {
    super(`Expected ${expected} bytes, got ${actual}`);
    this.name = 'SizeMismatchError';
  }
}

/**
 * Passes bytes through and, when `expectedSize` is given, errors as soon as more arrive or the stream ends short.
 * `bytes()` tells how many went through.
 */
export function createByteCounter(expectedSize?: number): Transform & { bytes(): number } {
  let count = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count += chunk.length;
      if (expectedSize !== undefined && count > expectedSize) {
        callback(new SizeMismatchError(expectedSize, `more than that`));
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      if (expectedSize !== undefined && count !== expectedSize) {
        callback(new SizeMismatchError(expectedSize, String(count)));
        return;
      }
      callback();
    },
  });
  return Object.assign(counter, { bytes: () => count });
}

export function toReadable(body: Buffer | Readable): Readable {
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}
