import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityOf, oidcRole, parseOidcRules } from './oidc-roles.ts';

test('rules: groups, domains, subjects and addresses; a bad entry is refused by name', () => {
  assert.deepEqual(parseOidcRules('group:ml-editors, @Lab.example  sub:abc-1\nAda@Lab.example', 'DASHBOARD_OIDC_EDITORS'), [
    { kind: 'group', value: 'ml-editors' },
    { kind: 'domain', value: '@lab.example' },
    { kind: 'subject', value: 'abc-1' },
    { kind: 'email', value: 'ada@lab.example' },
  ]);
  assert.deepEqual(parseOidcRules('', 'x'), []);
  assert.throws(() => parseOidcRules('group:ok ada', 'DASHBOARD_OIDC_VIEWERS'), /DASHBOARD_OIDC_VIEWERS: "ada" is not a rule; use group:NAME, @domain, sub:ID or an email address/);
  assert.throws(() => parseOidcRules('group:', 'x'), /"group:" is not a rule/);
});

test('roles: editors first, then viewers; without viewer rules everyone signed in reads; otherwise not allowed', () => {
  const editors = parseOidcRules('group:ml-editors ada@lab.example', 'e');
  const ada = { subject: '1', email: 'ADA@lab.example', groups: [] };
  const bob = { subject: '2', email: 'bob@lab.example', groups: ['ml-editors'] };
  const eve = { subject: '3', email: 'eve@elsewhere.example', groups: ['students'] };
  assert.equal(oidcRole(ada, { editors, viewers: [] }), 'editor', 'addresses compare without case');
  assert.equal(oidcRole(bob, { editors, viewers: [] }), 'editor');
  assert.equal(oidcRole(eve, { editors, viewers: [] }), 'viewer');
  const viewers = parseOidcRules('@lab.example group:students', 'v');
  assert.equal(oidcRole(eve, { editors, viewers }), 'viewer', 'by group');
  assert.equal(oidcRole({ subject: '4', email: 'mal@elsewhere.example', groups: [] }, { editors, viewers }), null);
  assert.equal(oidcRole({ subject: '5', groups: [] }, { editors, viewers }), null, 'no address, no group: no rule matches');
});

test('identity: an unverified address is not used, groups must be strings, a subject is required', () => {
  assert.deepEqual(identityOf({ sub: 's', email: 'a@b.example', email_verified: true, groups: ['g', 3] }), { subject: 's', email: 'a@b.example', groups: ['g'] });
  assert.deepEqual(identityOf({ sub: 's', email: 'a@b.example', email_verified: false }), { subject: 's', groups: [] });
  assert.equal(identityOf({ email: 'a@b.example' }), undefined);
  const spoofed = identityOf({ sub: 's', email: 'ada@lab.example', email_verified: false })!;
  assert.equal(oidcRole(spoofed, { editors: parseOidcRules('ada@lab.example', 'e'), viewers: parseOidcRules('ada@lab.example', 'v') }), null);
});
