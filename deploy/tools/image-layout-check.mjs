#!/usr/bin/env node
/* global AbortSignal */
// Checks the images' layout without Docker: builds, in a temporary folder, what each target
// of deploy/docker/Dockerfile copies (each workspace's package.json and dist, without tests,
// maps and declarations), installs only that app's production dependencies the way the image
// does (`npm ci --omit=dev --workspace=…`, here offline from the npm cache and without install
// scripts), and starts each app from there:
//   - always: every module of the app loads (a service exits on a bad NATS_URL, which it
//     checks only after loading everything; the CLI prints its help);
//   - with DATABASE_URL (a migrated-on-the-fly, throwaway PostgreSQL database) and nats-server
//     installed: runs `downscale migrate`, starts each service against a nats-server that uses
//     deploy/k8s/base/nats/accounts.conf, and checks /health and /health/live answer 200.
// Needs `npm run build` first. Usage:
//   node deploy/tools/image-layout-check.mjs
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch node deploy/tools/image-layout-check.mjs
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { passwordVariables } from './nats-accounts.mjs';

const root = resolve(import.meta.dirname, '../..');
const apps = ['corpus', 'trainer', 'evaluator', 'scaling', 'cli'];
const work = mkdtempSync(join(tmpdir(), 'downscale-image-'));
const children = [];
let failures = 0;
const report = (ok, what) => {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

/** The Dockerfile's /out: package.json and dist of every workspace, minus tests, maps, declarations. */
function runtimeTree(out) {
  for (const group of ['libs', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const from = join(root, group, name);
      mkdirSync(join(out, group, name), { recursive: true });
      cpSync(join(from, 'package.json'), join(out, group, name, 'package.json'));
      if (existsSync(join(from, 'dist'))) {
        cpSync(join(from, 'dist'), join(out, group, name, 'dist'), {
          recursive: true,
          filter: (path) => !/(\.test\.js|\.map|\.d\.ts|\.tsbuildinfo)$/.test(path),
        });
      }
    }
  }
  cpSync(join(root, 'apps/cli/bin'), join(out, 'apps/cli/bin'), { recursive: true });
  cpSync(join(root, 'package.json'), join(out, 'package.json'));
  cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
}

function entry(app) {
  return app === 'cli' ? ['apps/cli/bin/downscale.mjs'] : [`apps/${app}/dist/main.js`];
}

async function waitFor(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
    if (status === 200) return 200;
    await new Promise((r) => setTimeout(r, 500));
  }
  return fetch(url).then((r) => r.status, () => 0);
}

try {
  const out = join(work, 'out');
  runtimeTree(out);
  for (const app of apps) {
    const dir = join(work, app);
    cpSync(out, dir, { recursive: true });
    const install = spawnSync('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', `--workspace=@downscale/${app}`], {
      cwd: dir,
      encoding: 'utf8',
    });
    report(install.status === 0, `${app}: npm ci --omit=dev --workspace=@downscale/${app}${install.status === 0 ? '' : `\n${install.stderr}`}`);
    const args = app === 'cli' ? ['--help'] : [];
    const run = spawnSync(process.execPath, [...entry(app), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NATS_URL: 'not-a-url' }, timeout: 60_000 });
    const loaded = app === 'cli' ? run.status === 0 && /Usage: downscale/.test(run.stdout) : run.status === 1 && /invalid configuration/.test(run.stderr);
    report(loaded, `${app}: every module loads from the image layout${loaded ? '' : `\n${run.stderr}`}`);
  }

  const natsServer = ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'].find(existsSync);
  if (process.env.DATABASE_URL && natsServer) {
    const natsPort = await freePort();
    const natsDir = join(work, 'nats');
    mkdirSync(natsDir);
    cpSync(join(root, 'deploy/k8s/base/nats/accounts.conf'), join(natsDir, 'accounts.conf'));
    writeFileSync(join(natsDir, 'single.conf'), `listen: 127.0.0.1:${natsPort}\njetstream { store_dir: "${join(natsDir, 'js')}" }\ninclude ./accounts.conf\n`);
    const passwords = Object.fromEntries(passwordVariables.map((v, i) => [v, `check-${i}`]));
    const nats = spawn(natsServer, ['-c', join(natsDir, 'single.conf')], { env: { ...process.env, ...passwords }, stdio: 'ignore' });
    children.push(nats);
    const migrate = spawnSync(process.execPath, [...entry('cli'), 'migrate'], {
      cwd: join(work, 'cli'),
      encoding: 'utf8',
      env: { ...process.env, DOWNSCALE_HOME: join(work, 'cli-home') },
    });
    report(migrate.status === 0, `downscale migrate${migrate.status === 0 ? '' : `\n${migrate.stderr}`}`);
    for (const app of apps.filter((a) => a !== 'cli')) {
      const port = await freePort();
      const child = spawn(process.execPath, entry(app), {
        cwd: join(work, app),
        stdio: 'ignore',
        env: {
          ...process.env,
          NATS_URL: `nats://127.0.0.1:${natsPort}`,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          DOWNSCALE_HOME: join(work, `${app}-home`),
          ARTIFACT_ROOT: join(work, 'artifacts'),
        },
      });
      children.push(child);
      const ready = await waitFor(`http://127.0.0.1:${port}/health`, 60_000);
      const live = await waitFor(`http://127.0.0.1:${port}/health/live`, 5_000);
      report(ready === 200 && live === 200, `${app}: /health ${ready}, /health/live ${live} (NATS with the deploy accounts, PostgreSQL)`);
    }
  } else {
    console.log('skip: starting the services needs DATABASE_URL (a throwaway PostgreSQL database) and nats-server');
  }
} finally {
  for (const child of children.reverse()) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
  rmSync(work, { recursive: true, force: true });
}
console.log(failures ? `${failures} check(s) failed` : 'image layout: all checks passed');
process.exit(failures ? 1 : 0);
