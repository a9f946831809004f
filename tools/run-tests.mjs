#!/usr/bin/env node
// Runs the tests of the given project folders (default: all apps and libs, plus tools/):
// compiled TypeScript tests (dist/**/*.test.js) and plain JavaScript ones (test/**/*.test.js),
// with node's test runner, one file at a time: integration tests share the
// real NATS and PostgreSQL servers and must not interfere.
// Fault tests (*.faults.test.js: killed processes, restarted servers, bad input end to end)
// run only with --faults (npm run test:faults), and then only they.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const faults = process.argv.includes('--faults');
const args = process.argv.slice(2).filter((arg) => arg !== '--faults');
const projects = args.length
  ? args.map((p) => resolve(p))
  : ['libs', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)));

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.m?js$/.test(name) && /\.faults\.test\.m?js$/.test(name) === faults ? [path] : [];
  });
}

const files = [
  ...projects.flatMap((p) => [...testFiles(join(p, 'dist')), ...testFiles(join(p, 'test'))]),
  ...(args.length ? [] : testFiles(join(root, 'tools'))),
].sort();
if (files.length === 0) {
  console.error(`no compiled ${faults ? 'fault ' : ''}tests found under ${projects.join(', ')}: run "npm run build" first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, DOWNSCALE_TEST: '1' } },
);
process.exit(result.status ?? 1);
