import { NextResponse, type NextRequest } from 'next/server';

// The offline app shell renders nothing personal; the service worker fetches it while signed out too.
const PUBLIC_PAGES = new Set(['/login', '/register', '/app-shell']);

/**
 * Scripts run only with this request's nonce (Next adds it to its own scripts; 'strict-dynamic' trusts
 * what they load), so injected markup can never run code. Styles may be inline: React sets style attributes.
 */
function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV !== 'production';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * For every page: a fresh CSP nonce, the requested path (so `requireUser()` can send a visitor with an
 * invalid session to the login page and back), and an optimistic redirect for visitors without a session
 * cookie. Never the security boundary: every page, action and handler checks the session itself.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const hasSessionCookie = request.cookies.getAll().some((cookie) => cookie.name.includes('authjs.session-token'));
  if (!PUBLIC_PAGES.has(pathname) && !hasSessionCookie) {
    const login = new URL('/login', request.url);
    login.searchParams.set('callbackUrl', `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set('x-parley-path', `${pathname}${search}`);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: ['/((?!api|_next|icons|sw\\.js|sw-push\\.js|offline\\.html|manifest\\.webmanifest|icon\\.png|favicon\\.ico).*)'],
};
