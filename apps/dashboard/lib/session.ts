// The signed-in session: a cookie holding who and which role until when, signed with
// HMAC-SHA-256 under DASHBOARD_SESSION_SECRET. Web Crypto only, so that the proxy and the
// pages check it alike; the server keeps no session state (a restart signs no one out).
import type { OidcIdentity } from './oidc-roles.ts';
import type { Role } from './users.ts';

export const sessionCookie = 'downscale_session';
/** How long a sign-in lasts: a working day. */
export const sessionMs = 8 * 60 * 60 * 1000;

export interface Session {
  user: string;
  role: Role;
  /** Milliseconds since the epoch. */
  expires: number;
  /** Who the OpenID Connect provider signed in (absent for a password sign-in): the role is worked out from it again at each request. */
  oidc?: OidcIdentity;
}

/** The secret sessions are signed with; the reason when it is missing or too short. */
export function sessionSecret(env: NodeJS.ProcessEnv = process.env): { ok: true; secret: string } | { ok: false; reason: string } {
  const secret = env.DASHBOARD_SESSION_SECRET ?? '';
  if (secret.length >= 32) return { ok: true, secret };
  return { ok: false, reason: 'users are configured but DASHBOARD_SESSION_SECRET is not at least 32 characters: set it to a random string (e.g. openssl rand -hex 32), the same on every replica' };
}

const encoder = new TextEncoder();

function key(secret: string) {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** `payload` as a cookie value: its JSON, base64url, and an HMAC of that. */
export async function signToken(payload: object, secret: string): Promise<string> {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = await crypto.subtle.sign('HMAC', await key(secret), encoder.encode(body));
  return `${body}.${Buffer.from(signature).toString('base64url')}`;
}

/** The payload of a signed cookie value, or null when it is absent, forged or malformed. */
export async function readToken(token: string | undefined, secret: string): Promise<Record<string, unknown> | null> {
  if (!token) return null;
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  // verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', await key(secret), Buffer.from(signature, 'base64url'), encoder.encode(body)))) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function signSession(session: Session, secret: string): Promise<string> {
  return signToken(session, secret);
}

/** The session of a cookie value, or null when it is absent, forged, malformed or expired. */
export async function readSession(token: string | undefined, secret: string, now = Date.now()): Promise<Session | null> {
  const session = await readToken(token, secret);
  if (!session || typeof session.user !== 'string' || (session.role !== 'viewer' && session.role !== 'editor') || typeof session.expires !== 'number') return null;
  if (session.oidc !== undefined && !isIdentity(session.oidc)) return null;
  return session.expires > now ? (session as unknown as Session) : null;
}

function isIdentity(value: unknown): value is OidcIdentity {
  const v = value as Partial<OidcIdentity> | null;
  return Boolean(v) && typeof v?.subject === 'string' && (v.email === undefined || typeof v.email === 'string') && Array.isArray(v.groups) && v.groups.every((g) => typeof g === 'string');
}
