import { fail, ok, type Result } from '@/lib/errors';
import { sniffFile, SNIFF_BYTES } from '@/lib/media/sniff';
import { createTokenBucket } from '@/lib/rate-limit';
import { AVATAR_MAX_BYTES } from '@/lib/realtime/limits';

// Decoding and resizing a 10 MB picture costs real CPU: a person changes theirs now and then, not many times a
// minute. Per process (enough to stop a loop), 5 at once, then one every 10 s.
const globalForLimits = globalThis as unknown as { parleyAvatarUploads?: ReturnType<typeof createTokenBucket> };
const uploads = (globalForLimits.parleyAvatarUploads ??= createTokenBucket({ capacity: 5, perSecond: 0.1 }));

/**
 * The picture in a PUT body (the file's raw bytes), or why it was refused. A too-large Content-Length is refused
 * before a byte is read; without one, or if it lies, reading stops at the limit. Not yet decoded: prepareAvatar
 * (lib/media/images.ts) does that, and refuses what only looks like a picture.
 */
export async function readPictureUpload(request: Request, userId: string): Promise<Result<Buffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !/^\d+$/.test(declared)) return fail('invalid_input');
  if (declared !== null && Number(declared) > AVATAR_MAX_BYTES) return fail('too_large');
  if (!uploads.take(userId)) return fail('rate_limited');

  const body = await readAtMost(request, AVATAR_MAX_BYTES);
  if (body === 'too_large') return fail('too_large');
  // Judged by its bytes (JPEG, PNG, WebP or GIF), never by the name or the type the browser claims.
  if (body.length === 0 || (await sniffFile(body.subarray(0, SNIFF_BYTES))).kind !== 'image') return fail('invalid_input');
  return ok(body);
}

/** The body, or 'too_large' as soon as it passes `limit` (the rest is never read). */
async function readAtMost(request: Request, limit: number): Promise<Buffer | 'too_large'> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return 'too_large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
