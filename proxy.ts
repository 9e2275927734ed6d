import { NextResponse, type NextRequest } from 'next/server';

const PUBLIC_PAGES = new Set(['/login', '/register']);

/**
 * An optimistic redirect for visitors without a session cookie, and the requested path for pages,
 * so `requireUser()` can send a visitor with an invalid session to the login page and back.
 * Never the security boundary: every page, action and handler checks the session itself.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const hasSessionCookie = request.cookies.getAll().some((cookie) => cookie.name.includes('authjs.session-token'));
  if (!PUBLIC_PAGES.has(pathname) && !hasSessionCookie) {
    const login = new URL('/login', request.url);
    login.searchParams.set('callbackUrl', `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  const headers = new Headers(request.headers);
  headers.set('x-parley-path', `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api|_next|icons|sw\\.js|offline\\.html|manifest\\.webmanifest|icon\\.png|favicon\\.ico).*)'],
};
