'use server';
// Sign-in and sign-out. The password is checked with scrypt against the configured users;
// an unknown name costs the same as a wrong password, and both get the same answer.
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { localPath } from '../../lib/access';
import { hashPassword, verifyPassword } from '../../lib/passwords';
import { sessionCookie, sessionMs, sessionSecret, signSession } from '../../lib/session';
import { configuredUsers, type UserRecord } from '../../lib/users';

export interface SignInState {
  error: string | null;
  name: string;
}

/** Compared against for an unknown name, so that it takes as long as a known one. */
let decoy: Promise<string> | undefined;

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const name = String(form.get('name') ?? '').trim().slice(0, 64);
  const password = String(form.get('password') ?? '').slice(0, 1024);
  const secret = sessionSecret();
  if (!secret.ok) return { error: secret.reason, name };
  let user: UserRecord | undefined;
  try {
    user = configuredUsers().get(name);
  } catch (error) {
    return { error: `the users cannot be read: ${(error as Error).message}`, name };
  }
  const matches = await verifyPassword(password, user?.passwordHash ?? (await (decoy ??= hashPassword('decoy password of no one'))));
  if (!user || !matches) return { error: 'Wrong name or password.', name };
  const forwarded = (await headers()).get('x-forwarded-proto');
  (await cookies()).set(sessionCookie, await signSession({ user: user.name, role: user.role, expires: Date.now() + sessionMs }, secret.secret), {
    httpOnly: true,
    sameSite: 'lax',
    secure: forwarded === 'https',
    path: '/',
    maxAge: sessionMs / 1000,
  });
  redirect(localPath(form.get('next')));
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(sessionCookie);
  redirect('/signin');
}
