/**
 * Fault test of the evaluator (npm run test:faults): PostgreSQL unreachable for 20 s while a
 * checkpoint is scored. A real evaluator process reaches a private database of the tests'
 * PostgreSQL server through a TCP proxy that the test cuts and restores.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects } from '@downscale/contracts';
import { BUILTIN_TASK_NAMES } from '@downscale/evaluation';
import { connectNats, streamNames } from '@downscale/messaging';
import { selectBackend } from '@downscale/model';
import { Checkpoint, EvalResult, openDatabase } from '@downscale/persistence';
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
import { jetstreamManager } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { HELD_OUT_TASK } from './checkpoint-evaluator.js';
import { recordCheckpoint, seedRun, storeCheckpoint, storeTokenizer } from './test-fixtures.js';

const evaluatorMain = fileURLToPath(new URL('./main.js', import.meta.url));
const OUTAGE_MS = 20_000;
const EXPECTED = [...BUILTIN_TASK_NAMES.flatMap((task) => [`${task}/original`, `${task}/simplified`]), `${HELD_OUT_TASK}/original`].map((key) => `ck-1/${key}`).sort();

describe('evaluator faults: the database unreachable for 20 s mid-checkpoint', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let pg: PostgresTestDatabase;
  let proxy: OutageProxy;
  let db: DataSource;
  let evaluator: ServiceProcess | undefined;

  before(async () => {
    await selectBackend(); // the fixtures build a model in this process
    stack = await startTestStack();
    pg = await createPostgresTestDatabase('evaluator_faults');
    const direct = new URL(pg.url);
    proxy = await startOutageProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    db = await openDatabase({ url: pg.url, migrate: 'none' });
  });

  after(async () => {
    await evaluator?.kill();
    await db?.destroy();
    await proxy?.close();
    await pg?.drop();
    await stack?.close();
  });

  it('the evaluator waits and retries; afterwards every (checkpoint, task, version) result exists exactly once', async () => {
    const artifacts = new ArtifactStore(join(stack.home, 'artifacts'));
    const tokenizer = await storeTokenizer(artifacts);
    await seedRun(db, tokenizer.uri, tokenizer.vocabSize);
    await recordCheckpoint(db, 'ck-1', 10, await storeCheckpoint(artifacts, tokenizer.vocabSize, 10));
    const viaProxy = new URL(pg.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    // Its start-up back-fill announces ck-1, which has no result yet.
    evaluator = await spawnService(evaluatorMain, { ...stack.env, DATABASE_URL: viaProxy.toString(), EVAL_MAX_ITEMS: '40', EVAL_HELD_OUT_BYTES: '3000' });
    const results = () => db.getRepository(EvalResult).find();
    await eventually('a first result', 120_000, async () => ((await results()).length > 0 ? true : undefined));

    proxy.cut();
    const linesBefore = evaluator.output.length;
    const atCut = (await results()).length;
    assert.ok(atCut < EXPECTED.length, `cut mid-checkpoint (${atCut} of ${EXPECTED.length} results stored)`);
    await eventually('the evaluator to notice the outage', 120_000, async () =>
      evaluator!.output.slice(linesBefore).some((l) => /database unreachable/.test(l)) ? true : undefined,
    );
    await sleep(OUTAGE_MS);
    assert.equal(evaluator.child.exitCode, null, `the evaluator is still running after the outage:\n${evaluator.output.slice(-20).join('\n')}`);
    assert.ok(proxy.refused > 0, 'the evaluator tried to reconnect during the outage');
    proxy.restore();

    await eventually('ck-1 to be marked evaluated', 180_000, async () => ((await db.getRepository(Checkpoint).findOneByOrFail({ id: 'ck-1' })).evaluatedAt ? true : undefined));
    const keys = (await results()).map((r) => `${r.checkpointId}/${r.task}/${r.taskVersion}`).sort();
    assert.deepEqual(keys, EXPECTED, 'every result exactly once');
    const nc = await connectNats({ servers: stack.nats.url, name: 'evaluator-database-faults-test' });
    try {
      const jsm = await jetstreamManager(nc);
      await eventually('the checkpoint event to be acked', 60_000, async () => {
        const info = await jsm.consumers.info(streamNames.events, 'evaluator-checkpoints');
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      });
      const published = await jsm.streams.info(streamNames.events, { subjects_filter: eventSubjects.evalCompleted });
      assert.equal(published.state.subjects?.[eventSubjects.evalCompleted], EXPECTED.length, 'one eval.completed per result');
    } finally {
      await nc.close();
    }
    assert.equal(await evaluator.stop(), 0, 'and it stops cleanly');
  });
});
