/**
 * Live back-fill: tasks added to an experiment while two evaluators run (real NATS, a private
 * PostgreSQL database) are scored on every existing checkpoint, each result once, and a
 * repeated announcement scores nothing again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects } from '@downscale/contracts';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { selectBackend } from '@downscale/model';
import { addExperimentTasks, Checkpoint, EvalResult, Experiment, openDatabase } from '@downscale/persistence';
import { createPostgresTestDatabase, eventually, startService, startTestStack, type PostgresTestDatabase, type RunningService, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { HELD_OUT_TASK } from './checkpoint-evaluator.js';
import { evaluatorModule } from './evaluator.module.js';
import { recordCheckpoint, seedRun, storeCheckpoint, storeTokenizer } from './test-fixtures.js';

const SETTINGS = { maxItems: 3, heldOutBytes: 2000, batchTokens: 512 };
const CHECKPOINTS = ['ck-a', 'ck-b'];
const versions = (task: string) => [`${task}/original`, `${task}/simplified`];
const expected = (tasks: string[]) => CHECKPOINTS.flatMap((ck) => [...tasks.flatMap(versions), `${HELD_OUT_TASK}/original`].map((key) => `${ck}/${key}`)).sort();

describe('evaluator: a task added to a running experiment is scored on every existing checkpoint once', { timeout: 600_000 }, () => {
  let stack: TestStack;
  let pg: PostgresTestDatabase;
  let db: DataSource;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  const services: RunningService[] = [];

  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    stack = await startTestStack();
    pg = await createPostgresTestDatabase('evaluator_tasks');
    db = await openDatabase({ url: pg.url, migrate: 'none' });
    const artifacts = new ArtifactStore(join(stack.home, 'artifacts'));
    const tokenizer = await storeTokenizer(artifacts);
    await seedRun(db, tokenizer.uri, tokenizer.vocabSize);
    const experiment = await db.getRepository(Experiment).findOneByOrFail({ id: 'exp-eval' });
    await db.getRepository(Experiment).update({ id: 'exp-eval' }, { spec: { ...experiment.spec, tasks: ['builtin/last-word'] } });
    // Two replicas sharing the durable consumers, as `downscale up` runs them.
    for (let i = 0; i < 2; i++) services.push(await startService({ service: 'evaluator', feature: evaluatorModule(SETTINGS) }, { ...stack.env, DATABASE_URL: pg.url }));
    nc = await connectNats({ servers: stack.nats.url, name: 'evaluator-tasks-test' });
    publisher = new EventPublisher(nc, 'test');
    for (const [i, id] of CHECKPOINTS.entries()) {
      const saved = await recordCheckpoint(db, id, 10 * (i + 1), await storeCheckpoint(artifacts, tokenizer.vocabSize, 10 * (i + 1)));
      await publisher.publish(eventSubjects.checkpointSaved, saved, { id: `checkpoint-saved:${id}` });
    }
  });

  after(async () => {
    for (const service of services) await service.close();
    await nc?.close();
    await db?.destroy();
    await pg?.drop();
    await stack?.close();
  });

  const rows = () => db.getRepository(EvalResult).find({ order: { checkpointId: 'ASC', task: 'ASC', taskVersion: 'ASC' } });
  const keys = (list: EvalResult[]) => list.map((r) => `${r.checkpointId}/${r.task}/${r.taskVersion}`).sort();
  const resultsFor = (tasks: string[]) => async () => {
    const list = await rows();
    return list.length === expected(tasks).length ? list : undefined;
  };
  async function idle(): Promise<boolean> {
    const jsm = await jetstreamManager(nc);
    for (const durable of ['evaluator-checkpoints', 'evaluator-experiment-tasks']) {
      const info = await jsm.consumers.info(streamNames.events, durable);
      if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
    }
    return true;
  }
  const evalCompletedCount = async () =>
    (await (await jetstreamManager(nc)).streams.info(streamNames.events, { subjects_filter: eventSubjects.evalCompleted })).state.subjects?.[eventSubjects.evalCompleted];

  it('scores the checkpoints on task A as they are saved', async () => {
    const stored = await eventually('task A on both checkpoints', 240_000, resultsFor(['builtin/last-word']));
    assert.deepEqual(keys(stored), expected(['builtin/last-word']));
    await eventually('both checkpoints marked evaluated', 30_000, async () => ((await db.getRepository(Checkpoint).findBy({})).every((c) => c.evaluatedAt !== null) ? true : undefined));
  });

  it('task B added while they run: B results appear for every checkpoint, exactly once, and the marks follow', async () => {
    const before = await rows();
    await eventually('the evaluators to be idle', 60_000, async () => ((await idle()) ? true : undefined));
    const outcome = await addExperimentTasks(db, publisher, 'exp-eval', ['builtin/next-sentence']);
    assert.deepEqual(outcome, { tasks: ['builtin/last-word', 'builtin/next-sentence'], added: ['builtin/next-sentence'] });
    const stored = await eventually('task B on both checkpoints', 240_000, resultsFor(['builtin/last-word', 'builtin/next-sentence']));
    assert.deepEqual(keys(stored), expected(['builtin/last-word', 'builtin/next-sentence']));
    // Task A's results were not written again.
    const kept = new Map(stored.map((r) => [r.id, r]));
    assert.ok(before.every((r) => kept.has(r.id)));
    await eventually('the evaluators to be idle', 60_000, async () => ((await idle()) ? true : undefined));
    assert.ok((await db.getRepository(Checkpoint).findBy({})).every((c) => c.evaluatedAt !== null), 'marked evaluated again once B is scored');
    assert.equal(await evalCompletedCount(), expected(['builtin/last-word', 'builtin/next-sentence']).length, 'one eval.completed per result');
  });

  it('the same change announced again (a redelivery, or past the dedupe window) scores and publishes nothing new', async () => {
    const before = await rows();
    const delivered = async () => (await (await jetstreamManager(nc)).consumers.info(streamNames.events, 'evaluator-experiment-tasks')).delivered.consumer_seq;
    const deliveredBefore = await delivered();
    await publisher.publish(eventSubjects.experimentTasksChanged, { experimentId: 'exp-eval', tasks: ['builtin/last-word', 'builtin/next-sentence'] }, { id: 'experiment-tasks:exp-eval:again' });
    await eventually('the announcement to be consumed', 60_000, async () => ((await delivered()) > deliveredBefore && (await idle()) ? true : undefined));
    assert.deepEqual((await rows()).map((r) => r.id).sort(), before.map((r) => r.id).sort());
    assert.equal(await evalCompletedCount(), expected(['builtin/last-word', 'builtin/next-sentence']).length);
  });
});
