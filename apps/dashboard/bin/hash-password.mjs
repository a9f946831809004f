#!/usr/bin/env node
// Prints a DASHBOARD_USERS entry: node apps/dashboard/bin/hash-password.mjs NAME viewer|editor,
// then type the password (read from standard input, so that it stays out of the shell history).
// Uses the dashboard's own hashing (built by `npx nx run dashboard:build`).
import { createInterface } from 'node:readline/promises';
import { hashPassword } from '../dist/lib/passwords.js';
import { parseUsers } from '../dist/lib/users.js';

const [name, role] = process.argv.slice(2);
if (!name || !role) {
  console.error('usage: node apps/dashboard/bin/hash-password.mjs NAME viewer|editor  (the password is read from standard input)');
  process.exit(2);
}
const input = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
const password = (await input.question('password: ')).replace(/\r?\n$/, '');
input.close();
try {
  const entry = `${name}:${role}:${await hashPassword(password)}`;
  // The entry must read back as the dashboard reads it.
  parseUsers(entry, 'the new entry');
  console.log(entry);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
