// What the two ends of a provider sign-in share: the cookie that carries a sign-in from its
// start to its end (signed like the session, readable only under /signin/oidc, ten minutes),
// and the redirect to the sign-in page with a fixed message code (never text from the URL).
import { NextResponse, type NextRequest } from 'next/server';
import type { PendingSignIn } from '../../../lib/oidc';
import { readToken, signToken } from '../../../lib/session';

export const pendingCookie = 'downscale_oidc';
const cookiePath = '/signin/oidc';

/** Why a provider sign-in did not end in a session; the sign-in page says each in words. */
export type SignInProblem = 'settings' | 'provider' | 'expired' | 'failed' | 'denied';

/**
 * A redirect to `path` of this dashboard. Relative, so that it holds behind a proxy whatever
 * address the request arrived at (browsers resolve it against the address they used).
 */
export function redirectWithin(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { location: path } });
}

export function backToSignIn(problem: SignInProblem): NextResponse {
  const response = redirectWithin(`/signin?problem=${problem}`);
  clearPending(response);
  return response;
}

/**
 * The address the browser used for this request: its Host (or a proxy's X-Forwarded-Host and
 * -Proto). Not request.nextUrl, whose host Next rewrites (127.0.0.1 reads as localhost there),
 * which a provider would refuse as a redirect address it was not given. A forged header can
 * only name a redirect address the provider does not know; DASHBOARD_PUBLIC_URL overrides it.
 */
export function requestOrigin(request: NextRequest): URL {
  const proto = request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(':', '');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? request.nextUrl.host;
  return new URL(`${proto}://${host}/`);
}

/** Whether the browser reached the dashboard over HTTPS (directly or through a proxy that says so). */
export function overHttps(request: NextRequest): boolean {
  return request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}

export async function setPending(response: NextResponse, request: NextRequest, pending: PendingSignIn, secret: string): Promise<void> {
  response.cookies.set(pendingCookie, await signToken(pending, secret), { httpOnly: true, sameSite: 'lax', secure: overHttps(request), path: cookiePath, maxAge: 600 });
}

/** The sign-in the request's cookie carries, unless it is missing, forged, malformed or too old. */
export async function readPending(request: NextRequest, secret: string, now = Date.now()): Promise<PendingSignIn | null> {
  const pending = await readToken(request.cookies.get(pendingCookie)?.value, secret);
  if (!pending || !['verifier', 'state', 'nonce', 'next'].every((key) => typeof pending[key] === 'string') || typeof pending.expires !== 'number') return null;
  return pending.expires > now ? (pending as unknown as PendingSignIn) : null;
}

export function clearPending(response: NextResponse): void {
  response.cookies.delete({ name: pendingCookie, path: cookiePath });
}
