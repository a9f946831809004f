import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { currentSession } from '../lib/access';
import { signOut } from './signin/actions';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'downscale', template: '%s · downscale' },
  description: 'Small language models on simplified language: runs, evaluations and scaling laws.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <div className="container header-row">
            <Link href="/" className="brand">
              downscale
            </Link>
            <nav aria-label="Main">
              <Link href="/">Overview</Link>
              <Link href="/runs">Runs</Link>
              <Link href="/curves">Curves</Link>
              <Link href="/scaling">Scaling</Link>
              <Link href="/evaluations">Evaluations</Link>
              <Link href="/corpus">Corpus</Link>
            </nav>
            {session && (
              <form action={signOut} className="session" data-testid="session">
                <span>
                  {session.user} ({session.role})
                </span>
                <button type="submit">Sign out</button>
              </form>
            )}
          </div>
        </header>
        <main className="container">{children}</main>
      </body>
    </html>
  );
}
