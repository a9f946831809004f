import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from './stack/paths.js';
import { freePort, freePortBase, portOpen } from './test-ports.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');

describe('downscale up: the local stack', () => {
  const home = mkdtempSync(join(tmpdir(), 'downscale-up-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  it('starts its own NATS, the services and the dashboard, and stops them all on Ctrl-C', { timeout: 180_000 }, async () => {
    const [natsPort, dashboardPort, base] = [await freePort(), await freePort(), await freePortBase()];
    const args = ['up', '--no-experiment', '--home', home, '--nats-url', `nats://127.0.0.1:${natsPort}`, '--ports', String(base), '--dashboard-port', String(dashboardPort), '--trainers', '2'];
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 150_000;
    while (!output.includes('downscale is up') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(output, /downscale is up/, output);
    assert.match(output, /started nats-server/);
    for (const name of ['corpus', 'trainer', 'trainer-2', 'evaluator', 'scaling', 'dashboard']) assert.match(output, new RegExp(`✓ ${name}`));

    const status = spawnSync(process.execPath, [cli, 'status', '--ports', String(base)], { encoding: 'utf8' });
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.equal(status.stdout.trim().split('\n').filter((l) => / ok .*nats ok, database ok/.test(l)).length, 4, status.stdout);

    const page = await fetch(`http://127.0.0.1:${dashboardPort}/`);
    assert.equal(page.status, 200);

    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.match(output, /stopped\./);
    const stillOpen = await Promise.all([natsPort, dashboardPort, base + 1, base + 2, base + 3, base + 4, base + 5].map(portOpen));
    assert.deepEqual(stillOpen, [false, false, false, false, false, false, false], 'every port is released after Ctrl-C');
  });

  it('refuses a bad database URL with a clear message', () => {
    const result = spawnSync(process.execPath, [cli, 'migrate', '--home', home, '--database-url', 'mysql://x'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /--database-url \/ DATABASE_URL "mysql:\/\/x" is not a postgres:\/\/ URL/);
  });

  it('migrates, reverts and re-applies the embedded database', () => {
    const run = (...extra: string[]) => spawnSync(process.execPath, [cli, 'migrate', '--home', home, ...extra], { encoding: 'utf8' });
    assert.match(run().stdout, /up to date/);
    assert.match(run('--revert').stdout, /reverted migration/);
    assert.match(run().stdout, /up to date/);
  });
});
