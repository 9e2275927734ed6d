import type { ErrorCode, Result } from './errors';
import { getAllowedOrigins } from './env';

/** Each error code's HTTP status, for route handlers (server actions and socket acks carry the code alone). */
const statusOf: Record<ErrorCode, number> = {
  unauthorized: 401,
  not_found: 404,
  forbidden: 403,
  edit_window_passed: 409,
  invalid_input: 400,
  too_long: 400,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** A JSON answer no cache keeps: `{ok: true, data}`. */
export const jsonOk = (data: unknown, status = 200) => Response.json({ ok: true, data }, { status, headers: { 'cache-control': 'no-store' } });

/** A JSON failure `{ok: false, error}` with the code's status. */
export const jsonFail = (error: ErrorCode) => Response.json({ ok: false, error }, { status: statusOf[error], headers: { 'cache-control': 'no-store' } });

/** A Result as a response: `{ok: true, data}`, or `{ok: false, error}` with the code's status. */
export const jsonResult = <T>(result: Result<T>) => (result.ok ? jsonOk(result.data) : jsonFail(result.error));

/**
 * What every stored file we serve (attachments, pictures) carries: its type is never sniffed, and opened on its own
 * it runs nothing and no other site may embed it with the viewer's cookies.
 */
export const INERT_FILE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
} as const;

/**
 * A state-changing request must come from our own pages. Cookies are SameSite=Lax, and a cross-site form cannot send
 * a raw body with our content type, but the Origin check says so explicitly (browsers send it on every POST/PUT/DELETE).
 */
export function isForeignOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  return origin !== null && !getAllowedOrigins().has(origin);
}
