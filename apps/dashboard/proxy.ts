// Sign-in gate: with users or a sign-in provider configured, every page and API needs a valid session cookie; a
// page asked without one redirects to /signin (and back after), an API answers 401. The
// health probes and the sign-in pages (including the provider's way back) stay open. Writes are authorised again where they
// happen (the server action and POST /api/experiments), not only here.
import { NextResponse, type NextRequest } from 'next/server';
import { readSession, sessionCookie, sessionSecret } from './lib/session';
import { signInRequired } from './lib/users';

export async function proxy(request: NextRequest): Promise<NextResponse> {
  if (!signInRequired()) return NextResponse.next();
  const secret = sessionSecret();
  if (!secret.ok) return new NextResponse(`${secret.reason}\n`, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  if (await readSession(request.cookies.get(sessionCookie)?.value, secret.secret)) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith('/api/')) {
    return new NextResponse('sign in first: this dashboard needs sign-in (open /signin in a browser)\n', { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const signIn = new URL('/signin', request.url);
  signIn.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Everything but the sign-in page, the health probes and Next's static files.
  matcher: ['/((?!signin|api/health|_next/static|_next/image|favicon.ico).*)'],
};
