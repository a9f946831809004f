// Sign-in through the lab's OpenID Connect provider: the authorization code flow with PKCE,
// state and nonce (openid-client), its settings from the environment, the provider's
// configuration (discovered once per process), and the role of whoever it signs in
// (oidc-roles.ts). Server only. The session it ends in is the same signed cookie as a
// password sign-in's (session.ts).
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { identityOf, oidcRole, parseOidcRules, type OidcIdentity, type OidcRule } from './oidc-roles';
import type { Role } from './users';

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button calls the provider. */
  name: string;
  scope: string;
  editors: OidcRule[];
  viewers: OidcRule[];
  /** The dashboard's address as people's browsers reach it, for the redirect back; else each request's own. */
  publicUrl?: URL;
}

/** Whether sign-in through a provider is configured at all (then every page needs sign-in). */
export function oidcConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DASHBOARD_OIDC_ISSUER?.trim());
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The settings, or what is wrong with them, naming the variable. */
export function oidcSettings(env: NodeJS.ProcessEnv = process.env): { ok: true; settings: OidcSettings } | { ok: false; reason: string } {
  try {
    const issuer = url(env.DASHBOARD_OIDC_ISSUER, 'DASHBOARD_OIDC_ISSUER');
    // A provider on this machine may be plain http (a development one); anywhere else the codes and tokens would cross the network in clear.
    if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback.has(issuer.hostname))) {
      throw new Error(`DASHBOARD_OIDC_ISSUER must be an https URL (plain http only on this machine), got ${issuer.href}`);
    }
    const clientId = env.DASHBOARD_OIDC_CLIENT_ID?.trim();
    if (!clientId) throw new Error('DASHBOARD_OIDC_CLIENT_ID is not set: the client id the provider gave the dashboard');
    const secretFile = env.DASHBOARD_OIDC_CLIENT_SECRET_FILE?.trim();
    let clientSecret = env.DASHBOARD_OIDC_CLIENT_SECRET ?? '';
    if (secretFile) {
      try {
        clientSecret = readFileSync(secretFile, 'utf8').trim();
      } catch (error) {
        throw new Error(`DASHBOARD_OIDC_CLIENT_SECRET_FILE ${secretFile} cannot be read: ${(error as Error).message}`);
      }
    }
    if (!clientSecret) throw new Error('DASHBOARD_OIDC_CLIENT_SECRET (or _FILE) is not set: the client secret the provider gave the dashboard');
    const publicUrl = env.DASHBOARD_PUBLIC_URL?.trim() ? url(env.DASHBOARD_PUBLIC_URL, 'DASHBOARD_PUBLIC_URL') : undefined;
    return {
      ok: true,
      settings: {
        issuer,
        clientId,
        clientSecret,
        name: env.DASHBOARD_OIDC_NAME?.trim() || issuer.host,
        scope: env.DASHBOARD_OIDC_SCOPES?.trim() || 'openid email profile',
        editors: parseOidcRules(env.DASHBOARD_OIDC_EDITORS ?? '', 'DASHBOARD_OIDC_EDITORS'),
        viewers: parseOidcRules(env.DASHBOARD_OIDC_VIEWERS ?? '', 'DASHBOARD_OIDC_VIEWERS'),
        ...(publicUrl ? { publicUrl } : {}),
      },
    };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function url(value: string | undefined, name: string): URL {
  try {
    return new URL(value?.trim() ?? '');
  } catch {
    throw new Error(`${name} is not a URL: ${JSON.stringify(value ?? '')}`);
  }
}

let discovered: { key: string; configuration: Promise<client.Configuration> } | undefined;

/** The provider's configuration, discovered once (again after a failure, or when the settings change). */
export function providerConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer.href} ${settings.clientId} ${settings.clientSecret}`;
  if (discovered?.key !== key) {
    const configuration = client.discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, {
      ...(settings.issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    });
    discovered = { key, configuration };
    configuration.catch(() => {
      if (discovered?.configuration === configuration) discovered = undefined;
    });
  }
  return discovered.configuration;
}

/** Where the provider sends the browser back: the public address when set, else the one the browser used. */
export function callbackUrl(settings: OidcSettings, origin: URL): URL {
  return new URL('/signin/oidc/callback', settings.publicUrl ?? origin);
}

/** What a sign-in carries from its start to its end (in a short-lived signed cookie). */
export interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  expires: number;
}

/** The provider's sign-in page for a new sign-in, and what its end must check. */
export async function startSignIn(settings: OidcSettings, origin: URL, next: string, now = Date.now()): Promise<{ redirect: URL; pending: PendingSignIn }> {
  const configuration = await providerConfiguration(settings);
  const verifier = client.randomPKCECodeVerifier();
  const pending = { verifier, state: client.randomState(), nonce: client.randomNonce(), next, expires: now + 10 * 60 * 1000 };
  const redirect = client.buildAuthorizationUrl(configuration, {
    redirect_uri: callbackUrl(settings, origin).href,
    scope: settings.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { redirect, pending };
}

/**
 * The end of a sign-in: the code in the query `search` exchanged (checking PKCE, state and nonce),
 * the person's claims from the ID token and, where the provider has one, its userinfo
 * endpoint (some providers list groups only there), and their role (null: not allowed in).
 */
export async function finishSignIn(settings: OidcSettings, origin: URL, search: string, pending: PendingSignIn): Promise<{ identity: OidcIdentity; role: Role | null }> {
  const configuration = await providerConfiguration(settings);
  // The URL the provider redirected to, as the browser saw it: the code, state and issuer are its query.
  const current = callbackUrl(settings, origin);
  current.search = search;
  const tokens = await client.authorizationCodeGrant(configuration, current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
  const claims: Record<string, unknown> = { ...tokens.claims() };
  if (configuration.serverMetadata().userinfo_endpoint) {
    const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub as string);
    Object.assign(claims, userinfo, { sub: claims.sub });
  }
  const identity = identityOf(claims);
  if (!identity) throw new Error('the provider named no subject (sub) for the person signing in');
  return { identity, role: oidcRole(identity, settings) };
}
