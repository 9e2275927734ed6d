/**
 * Storing one upload: the type is sniffed from the first bytes (never the name or the browser's word), the size limit
 * follows the type, images are re-encoded (orientation applied, metadata such as GPS position stripped) with a
 * thumbnail, other files are streamed to storage as they arrive. The row is written only once every object is stored;
 * an upload that fails or is aborted half-way leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { insertAttachment } from '@/db/queries/attachments';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { splitHead } from '@/lib/media/head';
import { ImageRejectedError, prepareImage } from '@/lib/media/images';
import { SNIFF_BYTES, sniffFile } from '@/lib/media/sniff';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { ATTACHMENT_NAME_MAX_LENGTH, FILE_MAX_BYTES, IMAGE_MAX_BYTES } from '@/lib/realtime/limits';
import { getStorage, SizeMismatchError } from '@/lib/storage';
import { createByteCounter } from '@/lib/storage/streams';
import { allAttachmentKeys, attachmentKeys } from './keys';

// Control characters (a newline could forge headers), path separators, and invisible or direction-changing
// characters (U+202E turns "photo\u202Egpj.exe" into what reads as "photoexe.jpg") never reach a file name.
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff/\\]/g;

/** The name as shown and downloaded: no control characters or paths, at most 255 characters, its extension kept. */
export function cleanFileName(raw: string): string {
  const name = raw.replace(UNSAFE_IN_NAME, '_').trim().replace(/^\.+/, '');
  const chars = Array.from(name);
  if (chars.length === 0) return 'file';
  if (chars.length <= ATTACHMENT_NAME_MAX_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)).slice(0, 16).join('') : '';
  return chars.slice(0, ATTACHMENT_NAME_MAX_LENGTH - ext.length).join('') + ext;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Refusals of the content itself: a body shorter or longer than declared, a "picture" that cannot be decoded. */
const isBadContent = (error: unknown) => error instanceof SizeMismatchError || error instanceof ImageRejectedError;

export type UploadInput = {
  chatId: string;
  uploaderId: string;
  name: string;
  /** The request's Content-Length: checked against the limit before a byte is read. */
  declaredSize: number;
  body: ReadableStream<Uint8Array>;
};

export async function storeUpload(input: UploadInput): Promise<AttachmentDTO> {
  if (input.declaredSize > FILE_MAX_BYTES) throw new AppError('too_large');
  const id = randomUUID();
  const keys = attachmentKeys(id);
  const storage = getStorage();
  // pipeline, not pipe: an aborted request errors the whole chain, so whoever reads it stops.
  const body = pipeline(Readable.fromWeb(input.body as NodeReadableStream<Uint8Array>), createByteCounter(input.declaredSize), () => {});
  try {
    const { head, whole } = await splitHead(body, SNIFF_BYTES);
    const sniffed = await sniffFile(head);
    const name = cleanFileName(input.name);
    if (sniffed.kind === 'image') {
      if (input.declaredSize > IMAGE_MAX_BYTES) throw new AppError('too_large');
      const image = await prepareImage(await collect(whole));
      await storage.put(keys.original, image.original.data, { contentType: image.original.mime, size: image.original.data.length });
      await storage.put(keys.thumb, image.thumb.data, { contentType: image.thumb.mime, size: image.thumb.data.length });
      const { mime, width, height, data } = image.original;
      return await insertAttachment({ id, chatId: input.chatId, uploaderId: input.uploaderId, kind: 'image', mime, name, size: data.length, width, height });
    }
    // Streamed as it arrives; storage refuses a body shorter than declared (the client went away).
    await storage.put(keys.original, whole, { contentType: sniffed.mime, size: input.declaredSize });
    return await insertAttachment({
      id,
      chatId: input.chatId,
      uploaderId: input.uploaderId,
      kind: 'file',
      mime: sniffed.mime,
      name,
      size: input.declaredSize,
      width: null,
      height: null,
    });
  } catch (error) {
    body.destroy();
    await storage.delete(allAttachmentKeys([id])).catch((cleanup: unknown) => logger.warn('attachment_cleanup_failed', { attachmentId: id, error: cleanup }));
    throw isBadContent(error) ? new AppError('invalid_input') : error;
  }
}
