import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentSession, localPath } from '../../lib/access';
import { oidcConfigured, oidcSettings } from '../../lib/oidc';
import { single, type SearchParams } from '../../lib/runs-view';
import { passwordUsersConfigured, signInRequired } from '../../lib/users';
import { SignInForm } from './form';
import type { SignInProblem } from './oidc/flow';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

/** What went wrong with a provider sign-in, in words (the URL carries only the code, so no one can put text on this page through a link). */
const problems: Record<SignInProblem, string> = {
  settings: 'Sign-in through the provider is not set up correctly on the server (its log says which setting); ask whoever runs the dashboard.',
  provider: 'The sign-in provider could not be reached or did not answer as expected; try again in a moment, or ask whoever runs the dashboard.',
  expired: 'That sign-in took longer than ten minutes or was started in another browser; start again.',
  failed: 'The provider’s answer could not be checked, so you are not signed in; start again.',
  denied: 'You signed in with the provider, but your account is not one this dashboard lets in; ask whoever keeps DASHBOARD_OIDC_VIEWERS to add you.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const next = single(params, 'next') ?? '/';
  if (!signInRequired()) {
    return (
      <>
        <h1>Sign in</h1>
        <p className="empty">This dashboard has no users configured, so there is nothing to sign in to: every page is open.</p>
      </>
    );
  }
  if (await currentSession()) redirect(localPath(next));
  const problem = single(params, 'problem');
  const oidc = oidcConfigured() ? oidcSettings() : undefined;
  if (oidc && !oidc.ok) console.error(`provider sign-in unavailable: ${oidc.reason}`);
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted small">This dashboard is shared by the lab: viewers read everything, editors may also create experiments and cancel runs.</p>
      {problem && problem in problems && (
        <p className="field-error" role="alert" data-testid="signin-problem">
          {problems[problem as SignInProblem]}
        </p>
      )}
      {oidc && (
        <p>
          {oidc.ok ? (
            <a className="button" href={`/signin/oidc?next=${encodeURIComponent(localPath(next))}`} data-testid="signin-provider">
              Sign in with {oidc.settings.name}
            </a>
          ) : (
            <span className="field-error">{problems.settings}</span>
          )}
        </p>
      )}
      {passwordUsersConfigured() && <SignInForm next={next} />}
    </>
  );
}
