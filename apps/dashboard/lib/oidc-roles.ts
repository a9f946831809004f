// Who may sign in through the lab's OpenID Connect provider, and with which role, from rules
// in DASHBOARD_OIDC_EDITORS and DASHBOARD_OIDC_VIEWERS. Pure: no network, no Next.
import type { Role } from './users.ts';

/** What the provider says of the person signing in (ID token and userinfo claims). */
export interface OidcIdentity {
  subject: string;
  /** Only a verified address is used (email_verified not false). */
  email?: string;
  groups: string[];
}

/**
 * One rule: `group:NAME` (the groups claim holds NAME), `@domain` (a verified address at that
 * domain), `sub:ID` (that subject), or an email address (that verified address).
 */
export type OidcRule = { kind: 'group'; value: string } | { kind: 'domain'; value: string } | { kind: 'subject'; value: string } | { kind: 'email'; value: string };

/** The rules of `text` (separated by commas or white space); throws naming `source` and the entry that is wrong. */
export function parseOidcRules(text: string, source: string): OidcRule[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry): OidcRule => {
      if (entry.startsWith('group:') && entry.length > 6) return { kind: 'group', value: entry.slice(6) };
      if (entry.startsWith('sub:') && entry.length > 4) return { kind: 'subject', value: entry.slice(4) };
      if (/^@[\w.-]+\.[\w-]+$/.test(entry)) return { kind: 'domain', value: entry.toLowerCase() };
      if (/^[^@\s]+@[\w.-]+\.[\w-]+$/.test(entry)) return { kind: 'email', value: entry.toLowerCase() };
      throw new Error(`${source}: "${entry}" is not a rule; use group:NAME, @domain, sub:ID or an email address`);
    });
}

function matches(rule: OidcRule, who: OidcIdentity): boolean {
  const email = who.email?.toLowerCase();
  switch (rule.kind) {
    case 'group':
      return who.groups.includes(rule.value);
    case 'subject':
      return who.subject === rule.value;
    case 'domain':
      return email?.endsWith(rule.value) ?? false;
    case 'email':
      return email === rule.value;
  }
}

/**
 * The role of `who`: editor when an editor rule matches; else viewer when a viewer rule
 * matches, or when there are no viewer rules (whoever the provider signs in may read); else
 * null, not allowed in.
 */
export function oidcRole(who: OidcIdentity, rules: { editors: readonly OidcRule[]; viewers: readonly OidcRule[] }): Role | null {
  if (rules.editors.some((rule) => matches(rule, who))) return 'editor';
  if (rules.viewers.length === 0 || rules.viewers.some((rule) => matches(rule, who))) return 'viewer';
  return null;
}

/** The identity in a provider's claims; the email only when it is not marked unverified, groups only as a list of strings. */
export function identityOf(claims: Record<string, unknown>): OidcIdentity | undefined {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') return undefined;
  const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email : undefined;
  const groups = Array.isArray(claims.groups) ? claims.groups.filter((g): g is string => typeof g === 'string') : [];
  return { subject, ...(email ? { email } : {}), groups };
}
