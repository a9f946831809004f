/**
 * Fault test of the trainer (npm run test:faults): PostgreSQL unreachable for 20 s mid-run.
 * A real trainer process reaches a private database of the tests' PostgreSQL server through a
 * TCP proxy that the test cuts (open connections destroyed, new ones reset) and restores.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { connectNats, EventPublisher } from '@downscale/messaging';
import { Checkpoint, MetricPoint, openDatabase, Run } from '@downscale/persistence';
import {
  createPostgresTestDatabase,
  eventually,
  spawnService,
  startOutageProxy,
  startTestStack,
  type OutageProxy,
  type PostgresTestDatabase,
  type ServiceProcess,
  type TestStack,
} from '@downscale/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { queueTrainingRun, seedTrainingCorpus } from './test-fixtures.js';

const trainerMain = fileURLToPath(new URL('./main.js', import.meta.url));
const STEPS = 60;
const OUTAGE_MS = 20_000;

describe('trainer faults: the database unreachable for 20 s mid-run', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let pg: PostgresTestDatabase;
  let proxy: OutageProxy;
  let db: DataSource;
  let nc: NatsConnection;
  let trainer: ServiceProcess | undefined;

  before(async () => {
    stack = await startTestStack();
    pg = await createPostgresTestDatabase('trainer_faults');
    const direct = new URL(pg.url);
    proxy = await startOutageProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    // The test itself reads and seeds the database directly; only the trainer goes through the proxy.
    db = await openDatabase({ url: pg.url, migrate: 'none' });
    nc = await connectNats({ servers: stack.nats.url, name: 'trainer-database-faults-test' });
  });

  after(async () => {
    await trainer?.kill();
    await nc?.close();
    await db?.destroy();
    await proxy?.close();
    await pg?.drop();
    await stack?.close();
  });

  it('the trainer keeps its buffered metric points and retries; afterwards the run is complete with every point 0..N exactly once', async () => {
    const store = new ArtifactStore(join(stack.home, 'artifacts'));
    const vocabSize = await seedTrainingCorpus(db, store);
    const viaProxy = new URL(pg.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    // The tests' server trusts loopback and ignores it; it must never appear in the logs.
    viaProxy.password = 'never-logged-secret';
    trainer = await spawnService(trainerMain, {
      ...stack.env,
      DATABASE_URL: viaProxy.toString(),
      TRAINER_JOB_ACK_WAIT_MS: '5000',
      TRAINER_LEASE_MS: '2000',
      TRAINER_HEARTBEAT_MS: '300',
    });
    await queueTrainingRun(db, new EventPublisher(nc, 'test'), { runId: 'run-outage', vocabSize, steps: STEPS, checkpointInterval: 10, evalInterval: 1 });
    const checkpointSteps = async () => (await db.getRepository(Checkpoint).find({ where: { runId: 'run-outage' }, order: { step: 'ASC' } })).map((c) => c.step);
    await eventually('a first checkpoint of run-outage', 120_000, async () => ((await checkpointSteps()).length > 0 ? true : undefined));

    proxy.cut();
    const linesBefore = trainer.output.length;
    const storedAtCut = (await db.getRepository(MetricPoint).find({ where: { runId: 'run-outage' } })).map((p) => p.step);
    assert.ok(Math.max(...storedAtCut) < STEPS, `cut mid-run (points stored up to step ${Math.max(...storedAtCut)})`);
    await eventually('the trainer to notice the outage', 60_000, async () => (trainer!.output.slice(linesBefore).some((l) => /database unreachable/.test(l)) ? true : undefined));
    await sleep(OUTAGE_MS);
    assert.equal(trainer.child.exitCode, null, `the trainer is still running after the outage:\n${trainer.output.slice(-20).join('\n')}`);
    assert.ok(proxy.refused > 0, 'the trainer tried to reconnect during the outage');
    assert.notEqual((await db.getRepository(Run).findOneByOrFail({ id: 'run-outage' })).state, 'completed', 'the outage spans the end of the run');
    proxy.restore();

    await eventually('run-outage to complete', 180_000, async () => ((await db.getRepository(Run).findOneByOrFail({ id: 'run-outage' })).state === 'completed' ? true : undefined));
    assert.equal(trainer.child.exitCode, null, 'the same trainer process finished the run');
    const points = await db.getRepository(MetricPoint).find({ where: { runId: 'run-outage' }, order: { step: 'ASC' } });
    // (run_id, step) is the primary key: a step is stored at most once; what is checked is that none is missing.
    assert.deepEqual(
      points.map((p) => p.step),
      Array.from({ length: STEPS + 1 }, (_, i) => i),
      'a metric point at every step 0..N, none lost in the outage',
    );
    assert.ok(points.every((p) => p.evalLoss !== null && Number.isFinite(p.evalLoss)), 'each point holds its held-out loss');
    assert.equal((await checkpointSteps()).at(-1), STEPS, 'the final checkpoint is recorded');
    assert.equal(await trainer.stop(), 0, 'and it stops cleanly');
    assert.ok(trainer.output.some((l) => /"msg":"service ready"/.test(l) && l.includes(':***@')), 'the start-up log names the database, password masked');
    assert.deepEqual(trainer.output.filter((l) => l.includes('never-logged-secret')), [], 'no log line holds the database password');
  });
});
