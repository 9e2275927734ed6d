import { Readable } from 'node:stream';

/**
 * The first `bytes` bytes of `stream` (fewer if it is shorter), for sniffFile, and the whole content again as `whole`,
 * from its first byte, to hand to storage. (Pushing the head back with unshift fails for a stream shorter than the
 * head: by then it has ended.) An error of `stream`, before or after the head, rejects here or errors `whole`.
 */
export async function splitHead(stream: Readable, bytes: number): Promise<{ head: Buffer; whole: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const consumed = Buffer.concat(chunks);
  async function* replay() {
    if (consumed.length > 0) yield consumed;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: consumed.subarray(0, bytes), whole: Readable.from(replay(), { objectMode: false }) };
}
