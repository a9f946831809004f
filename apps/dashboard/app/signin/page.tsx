import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentSession, localPath } from '../../lib/access';
import { single, type SearchParams } from '../../lib/runs-view';
import { signInRequired } from '../../lib/users';
import { SignInForm } from './form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const next = single(await searchParams, 'next') ?? '/';
  if (!signInRequired()) {
    return (
      <>
        <h1>Sign in</h1>
        <p className="empty">This dashboard has no users configured, so there is nothing to sign in to: every page is open.</p>
      </>
    );
  }
  if (await currentSession()) redirect(localPath(next));
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted small">This dashboard is shared by the lab: viewers read everything, editors may also create experiments.</p>
      <SignInForm next={next} />
    </>
  );
}
