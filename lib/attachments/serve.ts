/**
 * Answers a request for an attachment's bytes. Access is checked on every request, thumbnails included, and caches
 * must ask again each time (`no-cache` with an ETag: a 304 costs no bytes), so someone removed from a chat cannot keep
 * fetching its files. The bytes are never interpreted by the browser as anything but their sniffed type, and never
 * as a page of ours: nosniff, and a CSP that sandboxes whatever opens them.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { getReadableAttachment } from '@/db/queries/attachments';
import { getCurrentUser } from '@/lib/auth';
import { INERT_FILE_HEADERS, jsonFail } from '@/lib/http';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { getStorage } from '@/lib/storage';
import { attachmentKeys } from './keys';

export type Variant = 'original' | 'thumb' | 'download';

const idSchema = z.uuid();

/** `attachment; filename="…"` with an ASCII fallback and the exact name in RFC 5987 form (every browser reads it). */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function headersFor(attachment: AttachmentDTO, variant: Variant, size?: number): Headers {
  const inline = attachment.kind === 'image' && variant !== 'download';
  const headers = new Headers({
    'content-type': variant === 'thumb' ? 'image/webp' : attachment.kind === 'image' || variant === 'download' ? attachment.mime : 'application/octet-stream',
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', attachment.name),
    ...INERT_FILE_HEADERS,
    'cache-control': 'private, no-cache',
    etag: `"${attachment.id}-${variant}"`,
  });
  if (size !== undefined) headers.set('content-length', String(size));
  return headers;
}

export async function serveAttachment(request: Request, params: Promise<{ attachmentId: string }>, variant: Variant): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const id = idSchema.safeParse((await params).attachmentId);
  if (!id.success) return jsonFail('not_found');
  const attachment = await getReadableAttachment({ attachmentId: id.data, userId: user.id });
  if (!attachment || (variant === 'thumb' && attachment.kind !== 'image')) return jsonFail('not_found');
  const etag = `"${attachment.id}-${variant}"`;
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: headersFor(attachment, variant) });
  // Next answers HEAD with this GET handler and never reads (nor cancels) the body: open nothing.
  if (request.method === 'HEAD') return new Response(null, { headers: headersFor(attachment, variant) });
  const keys = attachmentKeys(attachment.id);
  const object = await getStorage().get(variant === 'thumb' ? keys.thumb : keys.original);
  if (!object) return jsonFail('not_found');
  const body = Readable.toWeb(object.body) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: headersFor(attachment, variant, object.size) });
}
