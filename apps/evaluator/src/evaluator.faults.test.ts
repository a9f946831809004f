/** Fault test of the evaluator (npm run test:faults): a real evaluator process killed mid-checkpoint. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects, type CheckpointSaved } from '@downscale/contracts';
import { BUILTIN_TASK_NAMES } from '@downscale/evaluation';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { selectBackend } from '@downscale/model';
import { Checkpoint, EvalResult, openDatabase } from '@downscale/persistence';
import { eventually, spawnService, startTestStack, type ServiceProcess, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { HELD_OUT_TASK } from './checkpoint-evaluator.js';
import { recordCheckpoint, seedRun, storeCheckpoint, storeTokenizer } from './test-fixtures.js';

const evaluatorMain = fileURLToPath(new URL('./main.js', import.meta.url));
const CHECKPOINTS = ['ck-1', 'ck-2', 'ck-3'];
// Every built-in task in both versions, plus eval loss on the held-out books, for each checkpoint.
const EXPECTED = CHECKPOINTS.flatMap((checkpoint) =>
  [...BUILTIN_TASK_NAMES.flatMap((task) => [`${task}/original`, `${task}/simplified`]), `${HELD_OUT_TASK}/original`].map((key) => `${checkpoint}/${key}`),
).sort();

describe('evaluator faults: kill -9 mid-checkpoint', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  let events: CheckpointSaved[];
  const evaluators: ServiceProcess[] = [];
  // Enough items that scoring a checkpoint takes a while, so the kill lands mid-checkpoint.
  const env = () => ({ ...stack.env, EVAL_MAX_ITEMS: '40', EVAL_HELD_OUT_BYTES: '3000' });

  before(async () => {
    await selectBackend(); // the fixtures build models in this process
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    const artifacts = new ArtifactStore(join(stack.home, 'artifacts'));
    const tokenizer = await storeTokenizer(artifacts);
    await seedRun(db, tokenizer.uri, tokenizer.vocabSize);
    events = [];
    for (const [i, id] of CHECKPOINTS.entries()) events.push(await recordCheckpoint(db, id, (i + 1) * 10, await storeCheckpoint(artifacts, tokenizer.vocabSize, (i + 1) * 10)));
    nc = await connectNats({ servers: stack.nats.url, name: 'evaluator-faults-test' });
  });

  after(async () => {
    for (const evaluator of evaluators) await evaluator.kill();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const results = () => db.getRepository(EvalResult).find();
  const keys = (rows: EvalResult[]) => rows.map((r) => `${r.checkpointId}/${r.task}/${r.taskVersion}`).sort();

  it('afterwards every (checkpoint, task, version) result exists exactly once, and the redelivered event adds none', async () => {
    evaluators.push(await spawnService(evaluatorMain, env()));
    const publisher = new EventPublisher(nc, 'test');
    for (const saved of events) await publisher.publish(eventSubjects.checkpointSaved, saved, { id: `checkpoint:${saved.runId}:${saved.step}` });
    const partial = await eventually('some results, not all', 120_000, async () => {
      const stored = (await results()).length;
      return stored > 0 ? stored : undefined;
    });
    await evaluators[0]!.kill();
    const afterKill = (await results()).length;
    assert.ok(afterKill < EXPECTED.length, `killed mid-evaluation (${partial} results when seen, ${afterKill} at the kill, of ${EXPECTED.length})`);

    // The new process announces the checkpoints lacking results (back-fill) and scores only what is missing.
    evaluators.push(await spawnService(evaluatorMain, env()));
    const complete = await eventually('every result', 240_000, async () => {
      const rows = await results();
      return rows.length >= EXPECTED.length ? rows : undefined;
    });
    assert.deepEqual(keys(complete), EXPECTED);

    // The killed process's message comes back after its ack wait: it must add nothing.
    const jsm = await jetstreamManager(nc);
    await eventually('the evaluator consumer to have nothing pending or unacked', 120_000, async () => {
      const info = await jsm.consumers.info(streamNames.events, 'evaluator-checkpoints');
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    assert.deepEqual(keys(await results()), EXPECTED, 'each result once');
    const published = await jsm.streams.info(streamNames.events, { subjects_filter: eventSubjects.evalCompleted });
    assert.equal(published.state.subjects?.[eventSubjects.evalCompleted], EXPECTED.length, 'one eval.completed per result');
    await evaluators[1]!.stop();
  });
});

describe('evaluator faults: SIGTERM mid-checkpoint', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  let saved: CheckpointSaved;
  const evaluators: ServiceProcess[] = [];
  const env = () => ({ ...stack.env, EVAL_MAX_ITEMS: '40', EVAL_HELD_OUT_BYTES: '3000' });
  const expected = EXPECTED.filter((key) => key.startsWith('ck-1/'));

  before(async () => {
    await selectBackend();
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    const artifacts = new ArtifactStore(join(stack.home, 'artifacts'));
    const tokenizer = await storeTokenizer(artifacts);
    await seedRun(db, tokenizer.uri, tokenizer.vocabSize);
    saved = await recordCheckpoint(db, 'ck-1', 10, await storeCheckpoint(artifacts, tokenizer.vocabSize, 10));
    nc = await connectNats({ servers: stack.nats.url, name: 'evaluator-sigterm-test' });
  });

  after(async () => {
    for (const evaluator of evaluators) await evaluator.kill();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const results = () => db.getRepository(EvalResult).find();
  const keys = (rows: EvalResult[]) => rows.map((r) => `${r.checkpointId}/${r.task}/${r.taskVersion}`).sort();

  it('stops cleanly (exit 0) with only whole results stored, and the next evaluator scores exactly what is missing', async () => {
    // The start-up back-fill announces ck-1, which has no result yet.
    evaluators.push(await spawnService(evaluatorMain, env()));
    await eventually('some results', 120_000, async () => ((await results()).length > 0 ? true : undefined));
    assert.equal(await evaluators[0]!.stop(), 0, `a clean stop:\n${evaluators[0]!.output.slice(-10).join('\n')}`);
    const atStop = await results();
    assert.ok(atStop.length < expected.length, `stopped mid-checkpoint (${atStop.length} of ${expected.length} results)`);
    // A result is one row, scored before it is inserted: what is stored is whole.
    assert.ok(atStop.every((r) => r.n > 0 && (Number.isFinite(r.acc) || Number.isFinite(r.loss))), 'each stored result is whole');
    assert.equal((await db.getRepository(Checkpoint).findOneByOrFail({ id: 'ck-1' })).evaluatedAt, null, 'not marked evaluated');

    evaluators.push(await spawnService(evaluatorMain, env()));
    await new EventPublisher(nc, 'test').publish(eventSubjects.checkpointSaved, saved, { id: `checkpoint:${saved.runId}:${saved.step}` });
    await eventually('ck-1 to be marked evaluated', 240_000, async () => ((await db.getRepository(Checkpoint).findOneByOrFail({ id: 'ck-1' })).evaluatedAt ? true : undefined));
    assert.deepEqual(keys(await results()), expected, 'every result exactly once');
    const after = new Map((await results()).map((r) => [`${r.task}/${r.taskVersion}`, r]));
    for (const r of atStop) assert.deepEqual([after.get(`${r.task}/${r.taskVersion}`)?.acc, after.get(`${r.task}/${r.taskVersion}`)?.loss], [r.acc, r.loss], 'a result stored before the stop is kept, not scored again');
    assert.equal(await evaluators[1]!.stop(), 0);
  });
});

