// The dashboard's users and their roles, for a small lab: `name:role:hash` entries (role
// `viewer` or `editor`, hash from lib/passwords.ts), one per line or separated by spaces, in
// DASHBOARD_USERS and/or the file DASHBOARD_USERS_FILE (lines starting with # are comments).
import { readFileSync } from 'node:fs';
import { hashProblem } from './passwords.ts';

export const roles = ['viewer', 'editor'] as const;
export type Role = (typeof roles)[number];

export interface UserRecord {
  name: string;
  role: Role;
  passwordHash: string;
}

/** Whether users with passwords are configured. */
export function passwordUsersConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DASHBOARD_USERS?.trim() || env.DASHBOARD_USERS_FILE?.trim());
}

/** Whether every page needs sign-in: users with passwords, or a sign-in provider (lib/oidc.ts), are configured. */
export function signInRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return passwordUsersConfigured(env) || Boolean(env.DASHBOARD_OIDC_ISSUER?.trim());
}

/** The entries of `text`; throws naming `source` and the entry that is wrong. */
export function parseUsers(text: string, source: string): UserRecord[] {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.trim().split(/\s+/))
    .filter(Boolean);
  return entries.map((entry, i) => {
    const [name = '', role = '', ...rest] = entry.split(':');
    const passwordHash = rest.join(':');
    const where = `${source}, entry ${i + 1} (${name || 'no name'})`;
    if (!/^[\w.@+-]{1,64}$/.test(name)) throw new Error(`${where}: a name is 1 to 64 letters, digits or . _ @ + -`);
    if (!roles.includes(role as Role)) throw new Error(`${where}: the role must be viewer or editor, got "${role}"`);
    const problem = hashProblem(passwordHash);
    if (problem) throw new Error(`${where}: the password ${problem}`);
    return { name, role: role as Role, passwordHash };
  });
}

/** Every configured user by name, from DASHBOARD_USERS and DASHBOARD_USERS_FILE; throws on a bad entry or an unreadable file. */
export function configuredUsers(env: NodeJS.ProcessEnv = process.env): Map<string, UserRecord> {
  const users = [...parseUsers(env.DASHBOARD_USERS ?? '', 'DASHBOARD_USERS')];
  const file = env.DASHBOARD_USERS_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`DASHBOARD_USERS_FILE ${file} cannot be read: ${(error as Error).message}`);
    }
    users.push(...parseUsers(text, file));
  }
  const byName = new Map<string, UserRecord>();
  for (const user of users) {
    if (byName.has(user.name)) throw new Error(`user ${user.name} is configured twice: keep one entry`);
    byName.set(user.name, user);
  }
  return byName;
}
