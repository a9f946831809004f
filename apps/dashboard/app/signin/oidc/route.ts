// The start of a sign-in through the lab's OpenID Connect provider: off to its sign-in page,
// with PKCE, state and nonce kept in a signed cookie for the way back.
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { localPath } from '../../../lib/access';
import { oidcSettings, startSignIn } from '../../../lib/oidc';
import { sessionSecret } from '../../../lib/session';
import { backToSignIn, requestOrigin, setPending } from './flow';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest): Promise<NextResponse> {
  const oidc = oidcSettings();
  const secret = sessionSecret();
  if (!oidc.ok || !secret.ok) {
    console.error(`provider sign-in refused: ${oidc.ok ? '' : oidc.reason}${!oidc.ok && !secret.ok ? '; ' : ''}${secret.ok ? '' : secret.reason}`);
    return backToSignIn('settings');
  }
  try {
    const { redirect, pending } = await startSignIn(oidc.settings, requestOrigin(request), localPath(request.nextUrl.searchParams.get('next')));
    const response = NextResponse.redirect(redirect);
    await setPending(response, request, pending, secret.secret);
    return response;
  } catch (error) {
    console.error(`provider sign-in: ${oidc.settings.issuer.href} cannot be used: ${(error as Error).message}`);
    return backToSignIn('provider');
  }
}
