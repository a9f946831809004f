import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const supervisorModule = join(import.meta.dirname, 'supervisor.js');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Supervisor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-supervisor-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the processes it started down with it when its own process exits on an error', async () => {
    // A parent that starts a long-lived child through the Supervisor, prints its pid, then fails.
    const parent = `
      import { Supervisor } from ${JSON.stringify(supervisorModule)};
      const supervisor = new Supervisor(${JSON.stringify(dir)});
      const managed = supervisor.start({ name: 'sleeper', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'], env: process.env, readyUrl: 'http://127.0.0.1:9/' });
      console.log(managed.child.pid);
      setTimeout(() => { throw new Error('the main job failed'); }, 300);
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', parent], { encoding: 'utf8' });
    assert.notEqual(result.status, 0, 'the parent failed');
    const pid = Number(result.stdout.trim());
    assert.ok(pid > 0, result.stdout + result.stderr);
    for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(pid), false, `child ${pid} outlived its supervisor`);
  });
});
