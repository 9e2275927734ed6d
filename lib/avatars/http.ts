import { Readable } from 'node:stream';
import type { ErrorCode, Result } from '@/lib/errors';
import { getAllowedOrigins } from '@/lib/env';

/** The HTTP status of each refusal the avatar routes give. */
const statusOf: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** `{ok, data|error}` like every other route; never cached. */
export function jsonResult<T>(result: Result<T> & { message?: string }, successStatus = 200): Response {
  const status = result.ok ? successStatus : (statusOf[result.error] ?? 500);
  return Response.json(result, { status, headers: { 'cache-control': 'no-store' } });
}

export const refusal = (error: ErrorCode) => jsonResult({ ok: false, error });

/**
 * A PUT or DELETE from another site: refused outright (as PUT /api/push/subscription does). A browser sends Origin
 * with every such request; a cross-site form cannot send them at all, so this states the rule rather than relying on it.
 */
export function foreignOrigin(request: Request): Response | null {
  const origin = request.headers.get('origin');
  return origin && !getAllowedOrigins().has(origin) ? refusal('forbidden') : null;
}

/**
 * A stored picture, streamed. The version is in the URL, so the browser may keep it for good; private because it
 * was fetched with a session. The sandbox CSP keeps it inert even if opened on its own.
 */
export function pictureResponse(object: { body: Readable; size: number }): Response {
  return new Response(Readable.toWeb(object.body) as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': 'image/webp',
      'content-length': String(object.size),
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=31536000, immutable',
      'content-security-policy': "default-src 'none'; sandbox",
    },
  });
}
