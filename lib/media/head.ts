import type { Readable } from 'node:stream';

/**
 * The first `bytes` bytes of `stream` (fewer if it is shorter), for sniffFile, without losing them: whatever was read
 * is pushed back (Readable#unshift), so the same stream still yields the whole content from its first byte and can be
 * handed to storage afterwards. Rejects if the stream errors before the head is complete.
 */
export async function readHead(stream: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (stream.readableEnded) break;
    if (stream.destroyed) throw stream.errored ?? new Error('The stream closed before its end');
    await nextEvent(stream);
  }
  const consumed = Buffer.concat(chunks);
  if (consumed.length > 0) stream.unshift(consumed);
  return consumed.subarray(0, bytes);
}

/** Resolves on more data, the end or a close; rejects on an error. */
function nextEvent(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      stream.off('readable', settle).off('end', settle).off('close', settle).off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    stream.on('readable', settle).on('end', settle).on('close', settle).on('error', settle);
  });
}
