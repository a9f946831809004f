// Whether this dashboard may write (create experiments, cancel runs) for the person asking. With users
// configured (DASHBOARD_USERS / DASHBOARD_USERS_FILE) or a sign-in provider
// (DASHBOARD_OIDC_ISSUER), everyone signs in and only editors write. Without them there are no roles: writes are for the local dashboard (bound to
// 127.0.0.1, as `npm start` runs it), or where an operator turns them on with
// DASHBOARD_ALLOW_WRITES=1, knowing that everyone who can reach the dashboard may then write.
import type { Session } from './session.ts';
import { signInRequired } from './users.ts';

export type WritePolicy = { allowed: true; reason: string } | { allowed: false; reason: string };

const loopback = new Set(['127.0.0.1', '[::1]', '::1']);

/**
 * With users configured: allowed for a signed-in editor only. Otherwise
 * DASHBOARD_ALLOW_WRITES=1|true allows, 0|false forbids; unset, writes are allowed only when
 * the server listens on a loopback address (`next start -H 127.0.0.1`), which Next records
 * in __NEXT_PRIVATE_ORIGIN (all interfaces read as `localhost` there, and do not count).
 */
export function writePolicy(env: NodeJS.ProcessEnv = process.env, session: Pick<Session, 'user' | 'role'> | null = null): WritePolicy {
  if (signInRequired(env)) {
    if (!session) return { allowed: false, reason: 'you are not signed in' };
    if (session.role !== 'editor') return { allowed: false, reason: `${session.user} is a viewer: only editors create experiments and cancel runs (ask whoever keeps DASHBOARD_USERS or DASHBOARD_OIDC_EDITORS)` };
    return { allowed: true, reason: `${session.user} is an editor` };
  }
  const flag = env.DASHBOARD_ALLOW_WRITES?.trim().toLowerCase();
  if (flag === '1' || flag === 'true') return { allowed: true, reason: 'DASHBOARD_ALLOW_WRITES is on' };
  if (flag === '0' || flag === 'false') return { allowed: false, reason: 'DASHBOARD_ALLOW_WRITES is off' };
  let host: string | undefined;
  try {
    host = env.__NEXT_PRIVATE_ORIGIN ? new URL(env.__NEXT_PRIVATE_ORIGIN).hostname : undefined;
  } catch {
    host = undefined;
  }
  if (host && loopback.has(host)) return { allowed: true, reason: `the dashboard listens on ${host} only` };
  return {
    allowed: false,
    reason: `the dashboard is not bound to 127.0.0.1 and has no users configured, so it only reads; run it locally (npm start), configure users with roles (DASHBOARD_USERS), or set DASHBOARD_ALLOW_WRITES=1 if everyone who can reach it may create experiments and cancel runs`,
  };
}
