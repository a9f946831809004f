#!/usr/bin/env node
// Runs the tests of the given project folders (default: all apps and libs, plus tools/):
// compiled TypeScript tests (dist/**/*.test.js) and plain JavaScript ones (test/**/*.test.js),
// with node's test runner, one file at a time: integration tests share the
// real NATS and PostgreSQL servers and must not interfere.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const projects = args.length
  ? args.map((p) => resolve(p))
  : ['libs', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)));

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.m?js$/.test(name) ? [path] : [];
  });
}

const files = [
  ...projects.flatMap((p) => [...testFiles(join(p, 'dist')), ...testFiles(join(p, 'test'))]),
  ...(args.length ? [] : testFiles(join(root, 'tools'))),
].sort();
if (files.length === 0) {
  console.error(`no compiled tests found under ${projects.join(', ')}: run "npm run build" first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, DOWNSCALE_TEST: '1' } },
);
process.exit(result.status ?? 1);
