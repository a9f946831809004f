import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.js';
import { readSession, signSession } from './session.js';
import { parseUsers, signInRequired } from './users.js';
import { writePolicy } from './writes.js';

test('a password hash verifies its password only, and a malformed hash is refused', async () => {
  const hash = await hashPassword('correct horse');
  assert.match(hash, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword('correct horse', hash), true);
  assert.equal(await verifyPassword('correct horsf', hash), false);
  assert.notEqual(await hashPassword('correct horse'), hash, 'a new salt each time');
  await assert.rejects(verifyPassword('x', 'plain-text'), /not a scrypt\$N\$r\$p\$salt\$hash password hash/);
  await assert.rejects(hashPassword('short'), /at least 8 characters/);
});

test('users: name:role:hash entries by line or space, comments; a wrong entry is named', async () => {
  const hash = await hashPassword('password1');
  const users = parseUsers(`# the lab\nada:editor:${hash} bob:viewer:${hash}\n`, 'users.txt');
  assert.deepEqual(users.map((u) => [u.name, u.role]), [['ada', 'editor'], ['bob', 'viewer']]);
  assert.throws(() => parseUsers(`ada:admin:${hash}`, 'users.txt'), /users\.txt, entry 1 \(ada\): the role must be viewer or editor, got "admin"/);
  assert.throws(() => parseUsers('ada:editor:secret', 'DASHBOARD_USERS'), /DASHBOARD_USERS, entry 1 \(ada\): the password is not a scrypt/);
  assert.equal(signInRequired({}), false);
  assert.equal(signInRequired({ DASHBOARD_USERS_FILE: '/etc/users' }), true);
  assert.equal(signInRequired({ DASHBOARD_OIDC_ISSUER: 'https://sso.lab.example' }), true);
});

test('a session reads back only with its secret, unaltered and unexpired', async () => {
  const secret = 's'.repeat(32);
  const session = { user: 'ada', role: 'editor' as const, expires: 2_000 };
  const token = await signSession(session, secret);
  assert.deepEqual(await readSession(token, secret, 1_000), session);
  assert.equal(await readSession(token, secret, 2_000), null, 'expired');
  assert.equal(await readSession(token, 't'.repeat(32), 1_000), null, 'another secret');
  const [body, signature] = token.split('.') as [string, string];
  const promoted = Buffer.from(JSON.stringify({ ...session, role: 'editor', user: 'bob' })).toString('base64url');
  assert.equal(await readSession(`${promoted}.${signature}`, secret, 1_000), null, 'a changed body');
  assert.equal(await readSession(`${body}.`, secret, 1_000), null);
  assert.equal(await readSession(undefined, secret, 1_000), null);
});

test('with users configured, only a signed-in editor writes, wherever the dashboard listens', () => {
  const env = { DASHBOARD_USERS: 'configured', DASHBOARD_ALLOW_WRITES: '1', __NEXT_PRIVATE_ORIGIN: 'http://127.0.0.1:3000' };
  assert.equal(writePolicy(env, { user: 'ada', role: 'editor' }).allowed, true);
  assert.match(writePolicy(env, { user: 'bob', role: 'viewer' }).reason, /bob is a viewer: only editors create experiments/);
  assert.equal(writePolicy(env, null).allowed, false);
  assert.equal(writePolicy({ __NEXT_PRIVATE_ORIGIN: 'http://127.0.0.1:3000' }, null).allowed, true, 'no users: local mode writes');
});
