#!/usr/bin/env node
// Makes `npm start` and `npm test` work as the first command on a fresh clone: checks the
// Node version, installs npm dependencies when missing or stale, and installs Debian's
// nats-server and OpenBLAS when absent and we are allowed to (root with apt-get). Uses only Node.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stamp = join(root, 'node_modules', '.downscale-deps');

function fail(message) {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node.js ${process.versions.node} is too old: downscale needs Node.js 20.19 or newer (TypeORM and ESLint require it).`);
}

/** What the installed tree must match: the lock file and every workspace manifest. */
function dependencyFingerprint() {
  const hash = createHash('sha256');
  const manifests = [join(root, 'package.json'), join(root, 'package-lock.json')];
  for (const group of ['apps', 'libs']) {
    for (const name of readdirSync(join(root, group)).sort()) manifests.push(join(root, group, name, 'package.json'));
  }
  for (const file of manifests) if (existsSync(file)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

const fingerprint = dependencyFingerprint();
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== fingerprint) {
  const command = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`Installing npm dependencies (npm ${command}; the first time compiles better-sqlite3, a few minutes)…`);
  const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`npm ${command} failed (exit ${result.status}); see the messages above.`);
  writeFileSync(stamp, dependencyFingerprint());
}

/**
 * Installs Debian's `name` when `present()` is false and we are allowed to (root with apt-get,
 * DOWNSCALE_NO_APT unset); otherwise, or if that fails, says what is missing and what to do.
 */
function debianPackage(name, present, { missing, hint }) {
  if (present()) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt && process.env.DOWNSCALE_NO_APT !== '1') {
    console.log(`Installing Debian's ${name} (set DOWNSCALE_NO_APT=1 to skip)…`);
    const install = spawnSync('sh', ['-c', `apt-get install -y -q ${name} || (apt-get update -q && apt-get install -y -q ${name})`], { stdio: 'inherit' });
    if (install.status === 0) return;
    console.warn(`! could not install ${name}; ${missing}.`);
  } else {
    console.warn(`! ${name} is not installed: ${missing}. ${hint}`);
  }
}

debianPackage('nats-server', () => [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].some((d) => existsSync(join(d, 'nats-server'))), {
  missing: 'a running NATS server with JetStream (NATS_URL) is then required',
  hint: 'Install it with "sudo apt-get install nats-server", or point NATS_URL at a running NATS server with JetStream.',
});
// Training runs its matrix products on OpenBLAS when present (libs/model/src/blas.ts).
debianPackage('libopenblas0-pthread', () => spawnSync('sh', ['-c', "/sbin/ldconfig -p | grep -q 'libopenblas[.]so[.]0'"], { stdio: 'ignore' }).status === 0, {
  missing: 'training then runs its matrix products in WebAssembly, about 3x slower',
  hint: 'Install it with "sudo apt-get install libopenblas0-pthread".',
});
