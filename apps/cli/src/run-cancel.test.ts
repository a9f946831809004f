import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controlSubjects } from '@downscale/contracts';
import { connectNats, startNatsServer, type NatsServerProcess } from '@downscale/messaging';
import { openDatabase, Run } from '@downscale/persistence';
import type { NatsConnection } from '@nats-io/nats-core';
import { downscaleAsync, storeTestExperiment } from './cli-fixtures.js';

describe('downscale run cancel', () => {
  const home = mkdtempSync(join(tmpdir(), 'downscale-run-cancel-'));
  let nats: NatsServerProcess;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'run-cancel-test' });
    const db = await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'run' });
    try {
      await storeTestExperiment(db, 'exp-1');
      const runs = db.getRepository(Run);
      for (const [id, state] of [['run-queued', 'queued'], ['run-done', 'completed']] as const) {
        await runs.save(runs.create({ id, experimentId: 'exp-1', config: {}, hiddenSize: 16, layers: 1, variant: 'simplified', seed: 0, state }));
      }
    } finally {
      await db.destroy();
    }
  });

  after(async () => {
    await nc?.close();
    await nats?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const cancel = (...args: string[]) => downscaleAsync('run', 'cancel', ...args, '--home', home, '--nats-url', nats.url);

  it('says so when no trainer answers: nothing is cancelled', async () => {
    const result = await cancel('--run', 'run-queued');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no trainer answered within 5 s .*so run run-queued is not cancelled: only a running trainer service can cancel a run/);
  });

  it('sends the command with its reason and prints what the answering trainer did', async () => {
    const commands: unknown[] = [];
    const trainer = nc.subscribe(controlSubjects.cancelRun, {
      callback: (_error, message) => {
        commands.push(message.json());
        message.respond(JSON.stringify({ runId: 'run-queued', outcome: 'cancelled' }));
      },
    });
    try {
      await nc.flush();
      const result = await cancel('--run', 'run-queued', '--reason', 'wrong grid');
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), 'run run-queued cancelled: it was queued and will not start');
      assert.deepEqual(commands, [{ runId: 'run-queued', reason: 'wrong grid' }]);
    } finally {
      trainer.unsubscribe();
    }
  });

  it('refuses an unknown or finished run before asking any trainer', async () => {
    const unknown = await cancel('--run', 'run-typo');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /there is no run run-typo in this database/);
    const done = await cancel('--run', 'run-done');
    assert.equal(done.status, 1);
    assert.match(done.stderr, /run run-done is completed: only a queued or running run can be cancelled/);
  });
});
