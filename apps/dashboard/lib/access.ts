// Who is asking, on the server: the session of the request's cookie, checked against the
// users or provider rules configured now (a removed user or a changed role counts at once,
// not when the cookie expires), and what that person may write. Server only (next/headers).
import { cookies } from 'next/headers';
import { oidcSettings } from './oidc';
import { oidcRole } from './oidc-roles';
import { readSession, sessionCookie, sessionSecret, type Session } from './session';
import { configuredUsers, signInRequired } from './users';
import { writePolicy, type WritePolicy } from './writes';

/** The signed-in person, or null (also when no users are configured). */
export async function currentSession(): Promise<Session | null> {
  if (!signInRequired()) return null;
  const secret = sessionSecret();
  if (!secret.ok) return null;
  const session = await readSession((await cookies()).get(sessionCookie)?.value, secret.secret);
  if (!session) return null;
  if (session.oidc) {
    const oidc = oidcSettings();
    const role = oidc.ok ? oidcRole(session.oidc, oidc.settings) : null;
    return role ? { ...session, role } : null;
  }
  let user;
  try {
    user = configuredUsers().get(session.user);
  } catch {
    return null;
  }
  return user ? { ...session, role: user.role } : null;
}

/** What the person asking may write. */
export async function writeAccess(): Promise<WritePolicy> {
  return writePolicy(process.env, await currentSession());
}

/** `value` if it is a path of this dashboard, else `/`: a sign-in never sends anyone to another site. */
export function localPath(value: unknown): string {
  const path = typeof value === 'string' ? value : '';
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}
