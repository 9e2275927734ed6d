import { Readable } from 'node:stream';
import { INERT_FILE_HEADERS } from '@/lib/http';

/**
 * A stored picture, streamed (null: the headers alone, for HEAD). The version is in the URL, so the browser may keep
 * it for good (unlike attachments, asked again each time: a picture shown to whoever shares a chat is not worth a
 * request per avatar per page); private because it was fetched with a session.
 */
export function pictureResponse(object: { body: Readable; size: number } | null): Response {
  return new Response(object && (Readable.toWeb(object.body) as ReadableStream<Uint8Array>), {
    headers: {
      'content-type': 'image/webp',
      ...(object ? { 'content-length': String(object.size) } : {}),
      'content-disposition': 'inline',
      'cache-control': 'private, max-age=31536000, immutable',
      ...INERT_FILE_HEADERS,
    },
  });
}
