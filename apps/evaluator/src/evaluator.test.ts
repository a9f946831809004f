import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects, type CheckpointSaved } from '@downscale/contracts';
import { BUILTIN_TASK_NAMES } from '@downscale/evaluation';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { selectBackend } from '@downscale/model';
import { Checkpoint, EvalResult, Experiment, openDatabase } from '@downscale/persistence';
import { collectEvents, eventually, startTestStack, type EventCollector, type RunningService, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { CheckpointEvaluator, HELD_OUT_TASK } from './checkpoint-evaluator.js';
import { evaluatorModule } from './evaluator.module.js';
import { insertEvalResult, type EvalRow } from './result-rows.js';
import { recordCheckpoint, seedRun, storeCheckpoint, storeTokenizer } from './test-fixtures.js';

const SETTINGS = { maxItems: 4, heldOutBytes: 3000, batchTokens: 512 };
// Every built-in task in both versions, plus eval loss on the held-out books.
const EXPECTED = [...BUILTIN_TASK_NAMES.flatMap((task) => [`${task}/original`, `${task}/simplified`]), `${HELD_OUT_TASK}/original`].sort();

describe('evaluator service: scores each saved checkpoint once', () => {
  let stack: TestStack;
  let service: RunningService;
  let db: DataSource;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let watcher: EventCollector<typeof eventSubjects.evalCompleted>;
  let saved: CheckpointSaved;
  let vocabSize: number;

  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    const artifacts = new ArtifactStore(join(stack.home, 'artifacts'));
    // A tiny tokenizer and model (h=16, 1 layer) stand in for a trained run.
    const tokenizer = await storeTokenizer(artifacts);
    vocabSize = tokenizer.vocabSize;
    const checkpoint = await storeCheckpoint(artifacts, vocabSize, 10);
    await seedRun(db, tokenizer.uri, vocabSize);
    service = await stack.start({ service: 'evaluator', feature: evaluatorModule(SETTINGS) });
    // Recorded once the service has started (and back-filled nothing), so that the first test sees it evaluated on its event.
    saved = await recordCheckpoint(db, 'ck-1', 10, checkpoint);
    nc = await connectNats({ servers: stack.nats.url, name: 'evaluator-test' });
    publisher = new EventPublisher(nc, 'test');
    watcher = await collectEvents(stack.nats.url, eventSubjects.evalCompleted);
  });

  after(async () => {
    await watcher?.close();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const rows = () => db.getRepository(EvalResult).find({ where: { checkpointId: 'ck-1' } });
  const keys = (list: { task: string; taskVersion: string }[]) => list.map((r) => `${r.task}/${r.taskVersion}`).sort();

  /** True once the evaluator's consumer has nothing pending or in flight. */
  async function consumerIdle(): Promise<boolean> {
    const info = await (await jetstreamManager(nc)).consumers.info(streamNames.events, 'evaluator-checkpoints');
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  it('writes a result per built-in task version and the held-out loss, and publishes eval.completed for each', async () => {
    await publisher.publish(eventSubjects.checkpointSaved, saved, { id: 'checkpoint-saved:ck-1' });
    const stored = await eventually('7 results', 120_000, async () => {
      const list = await rows();
      return list.length === EXPECTED.length ? list : undefined;
    });
    assert.deepEqual(keys(stored), EXPECTED);
    for (const row of stored) {
      if (row.task === HELD_OUT_TASK) {
        assert.ok(row.loss !== null && Math.abs(row.loss - Math.log(vocabSize)) < 0.5, `an untrained model is near uniform: loss ${row.loss}`);
        assert.ok((row.details?.['bitsPerByte'] as number) > 0);
        assert.equal(row.acc, null);
        continue;
      }
      assert.equal(row.n, 4, `${row.task}/${row.taskVersion} has EVAL_MAX_ITEMS items`);
      assert.ok(row.acc !== null && row.acc >= 0 && row.acc <= 1);
      assert.ok(row.chance !== null && row.chance >= 0 && row.chance <= 0.25 + 1e-9, `${row.task}: chance ${row.chance}`);
      assert.equal(typeof row.details?.['settingsHash'], 'string');
      assert.equal(row.accNorm === null, row.task === 'builtin/last-word', 'acc_norm for multiple choice only');
    }
    const events = await eventually('7 eval.completed', 30_000, async () => (watcher.events.length >= EXPECTED.length ? watcher.events : undefined));
    assert.deepEqual(events.map((e) => `${e.task}/${e.taskVersion}`).sort(), EXPECTED);
    assert.ok(events.every((e) => e.runId === 'run-1' && e.checkpointId === 'ck-1'));
    assert.ok(events.find((e) => e.task === HELD_OUT_TASK)?.bitsPerByte !== undefined);
  });

  it('writes nothing twice when the event comes again (a re-publish past the dedupe window, or a redelivery)', async () => {
    const before = await rows();
    await publisher.publish(eventSubjects.checkpointSaved, saved, { id: 'checkpoint-saved:ck-1:again' });
    await eventually('the event to be consumed', 60_000, async () => ((await consumerIdle()) ? true : undefined));
    const after = await rows();
    assert.deepEqual(after.map((r) => r.id).sort(), before.map((r) => r.id).sort());
    // The same results are announced again under the same ids: JetStream drops the repeats.
    const stream = await (await jetstreamManager(nc)).streams.info(streamNames.events, { subjects_filter: eventSubjects.evalCompleted });
    assert.equal(stream.state.subjects?.[eventSubjects.evalCompleted], EXPECTED.length);
  });

  it('two evaluations of one checkpoint at once (two replicas) store each result once', async () => {
    await db.getRepository(EvalResult).delete({ checkpointId: 'ck-1' });
    const evaluator = service.app.get(CheckpointEvaluator);
    const [first, second] = await Promise.all([evaluator.evaluate(saved), evaluator.evaluate(saved)]);
    assert.deepEqual(keys(await rows()), EXPECTED);
    assert.deepEqual(keys(first!), EXPECTED);
    assert.deepEqual(keys(second!), EXPECTED);
  });

  it('stores what it can score when the experiment names a task it cannot load, and fails naming that task', async () => {
    await db.getRepository(EvalResult).delete({ checkpointId: 'ck-1' });
    const experiments = db.getRepository(Experiment);
    const experiment = await experiments.findOneByOrFail({ id: 'exp-eval' });
    await experiments.update({ id: 'exp-eval' }, { spec: { ...experiment.spec, tasks: ['builtin/last-word', 'no-such-task'] } });
    try {
      const evaluator = service.app.get(CheckpointEvaluator);
      await assert.rejects(evaluator.evaluate(saved), /1 task\(s\) not evaluated:\n {2}task "no-such-task" is not a task name or task file; accepted:/);
      assert.deepEqual(keys(await rows()), ['builtin/last-word/original', 'builtin/last-word/simplified', `${HELD_OUT_TASK}/original`]);
    } finally {
      await experiments.update({ id: 'exp-eval' }, { spec: experiment.spec });
    }
  });

  it('a starting replica announces again the checkpoints that lack results (tasks added later), and they are scored', async () => {
    // The test above left 3 of the 7 results, as if the other tasks had been added since.
    assert.equal((await rows()).length, 3);
    await stack.start({ service: 'evaluator', feature: evaluatorModule(SETTINGS) });
    const stored = await eventually('the 4 missing results', 60_000, async () => {
      const list = await rows();
      return list.length === EXPECTED.length ? list : undefined;
    });
    assert.deepEqual(keys(stored), EXPECTED);
  });

  it('refuses a checkpoint file that does not match the event, saying so', async () => {
    await db.getRepository(EvalResult).delete({ checkpointId: 'ck-1' });
    const evaluator = service.app.get(CheckpointEvaluator);
    await assert.rejects(evaluator.evaluate({ ...saved, sha256: 'f'.repeat(64) }), /has sha256 [0-9a-f]{64}, not the f{64} of checkpoint.saved/);
  });
});

describe('insertEvalResult', () => {
  for (const backend of ['sqlite', 'postgres'] as const) {
    it(`keeps the first of two concurrent inserts of one checkpoint x task x version (${backend})`, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'evaluator-insert-'));
      const schema = `test_evaluator_${process.pid}_${randomBytes(4).toString('hex')}`;
      const db = await openDatabase(
        backend === 'sqlite'
          ? { sqlitePath: join(folder, 'test.sqlite'), migrate: 'run' }
          : { url: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test', schema, migrate: 'run' },
      );
      try {
        await seedRun(db, 'artifact://corpora/corpus-1/tokenizer.json', 300);
        await db.getRepository(Checkpoint).save(db.getRepository(Checkpoint).create({ id: 'ck-1', runId: 'run-1', step: 10, tokens: 320, uri: 'artifact://x', sha256: 'b'.repeat(64) }));
        const row = (id: string, acc: number): EvalRow => ({
          id,
          createdAt: new Date(),
          checkpointId: 'ck-1',
          task: 'builtin/book-cloze',
          taskVersion: 'original',
          n: 4,
          acc,
          accNorm: acc,
          stderr: 0.1,
          loss: null,
          chance: 0.25,
          majority: 0.5,
          details: { kind: 'multiple-choice' },
        });
        await insertEvalResult(db, row('first', 0.5));
        await Promise.all([insertEvalResult(db, row('second', 0.75)), insertEvalResult(db, row('third', 1))]);
        const stored = await db.getRepository(EvalResult).find();
        assert.deepEqual(
          stored.map((r) => [r.id, r.acc, r.details]),
          [['first', 0.5, { kind: 'multiple-choice' }]],
        );
      } finally {
        if (backend === 'postgres') await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await db.destroy();
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
