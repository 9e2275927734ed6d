import { Readable } from 'node:stream';
import type { Result } from '@/lib/errors';
import { jsonFail, jsonOk } from '@/lib/http';

/** A Result as the other routes answer it: `{ok: true, data}`, or `{ok: false, error}` with the code's status. */
export const jsonResult = <T>(result: Result<T>) => (result.ok ? jsonOk(result.data) : jsonFail(result.error));

/**
 * A stored picture, streamed (null: the headers alone, for HEAD). The version is in the URL, so the browser may keep it for good (unlike attachments,
 * asked again each time: a picture shown to whoever shares a chat is not worth a request per avatar per page);
 * private because it was fetched with a session. The sandbox CSP keeps it inert even if opened on its own.
 */
export function pictureResponse(object: { body: Readable; size: number } | null): Response {
  return new Response(object && (Readable.toWeb(object.body) as ReadableStream<Uint8Array>), {
    headers: {
      'content-type': 'image/webp',
      ...(object ? { 'content-length': String(object.size) } : {}),
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=31536000, immutable',
      'content-security-policy': "default-src 'none'; sandbox",
      // As attachments (lib/attachments/serve.ts): another site cannot embed it with the viewer's cookies.
      'cross-origin-resource-policy': 'same-origin',
    },
  });
}
