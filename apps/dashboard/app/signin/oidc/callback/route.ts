// The end of a sign-in through the lab's OpenID Connect provider: the code exchanged and
// checked, the person's role worked out from the configured rules, and the session cookie
// set (or the sign-in page, saying why not).
import type { NextRequest, NextResponse } from 'next/server';
import { finishSignIn, oidcSettings } from '../../../../lib/oidc';
import { sessionCookie, sessionMs, sessionSecret, signSession } from '../../../../lib/session';
import { backToSignIn, clearPending, overHttps, readPending, redirectWithin, requestOrigin } from '../flow';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest): Promise<NextResponse> {
  const oidc = oidcSettings();
  const secret = sessionSecret();
  if (!oidc.ok || !secret.ok) return backToSignIn('settings');
  const pending = await readPending(request, secret.secret);
  if (!pending) return backToSignIn('expired');
  let signedIn;
  try {
    signedIn = await finishSignIn(oidc.settings, requestOrigin(request), request.nextUrl.search, pending);
  } catch (error) {
    console.error(`provider sign-in failed at its end: ${(error as Error).message}`);
    return backToSignIn('failed');
  }
  const { identity, role } = signedIn;
  const user = identity.email ?? identity.subject;
  if (!role) {
    console.error(`provider sign-in: ${user} matches no rule of DASHBOARD_OIDC_VIEWERS or DASHBOARD_OIDC_EDITORS, so is not let in`);
    return backToSignIn('denied');
  }
  const response = redirectWithin(pending.next);
  clearPending(response);
  response.cookies.set(sessionCookie, await signSession({ user, role, expires: Date.now() + sessionMs, oidc: identity }, secret.secret), {
    httpOnly: true,
    sameSite: 'lax',
    secure: overHttps(request),
    path: '/',
    maxAge: sessionMs / 1000,
  });
  return response;
}
