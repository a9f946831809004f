import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { cancelRunReply, controlSubjects, eventSubjects, jobSubjects, type CheckpointSaved, type MetricsReported, type RunStateChanged } from '@downscale/contracts';
import { connectNats, EventPublisher } from '@downscale/messaging';
import { decodeCheckpoint } from '@downscale/model';
import { Checkpoint, MetricPoint, openDatabase, Run, Tokenizer } from '@downscale/persistence';
import { collectEvents, eventually, startTestStack, type EventCollector, type RunningService, type TestStack } from '@downscale/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { queueTrainingRun, seedTrainingCorpus, storeTrainingRun, tokenizerId } from './test-fixtures.js';
import { defaultTrainerSettings } from './settings.js';
import { TrainerModule, trainerModule } from './trainer.module.js';

describe('trainer service: trains queued runs from the work queue', () => {
  let stack: TestStack;
  let trainer: RunningService;
  let db: DataSource;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let store: ArtifactStore;
  let vocabSize: number;
  let states: EventCollector<typeof eventSubjects.runStateChanged>;
  let checkpoints: EventCollector<typeof eventSubjects.checkpointSaved>;
  let metrics: EventCollector<typeof eventSubjects.metricsReported>;

  before(async () => {
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    store = new ArtifactStore(join(stack.home, 'artifacts'));
    vocabSize = await seedTrainingCorpus(db, store);
    nc = await connectNats({ servers: stack.nats.url, name: 'trainer-test' });
    publisher = new EventPublisher(nc, 'test');
    // The service creates the streams the collectors read.
    trainer = await stack.start({ service: 'trainer', feature: TrainerModule });
    states = await collectEvents(stack.nats.url, eventSubjects.runStateChanged);
    checkpoints = await collectEvents(stack.nats.url, eventSubjects.checkpointSaved);
    metrics = await collectEvents(stack.nats.url, eventSubjects.metricsReported);
  });

  after(async () => {
    for (const collector of [states, checkpoints, metrics]) await collector?.close();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const queueRun = (runId: string, steps: number, checkpointInterval: number) => queueTrainingRun(db, publisher, { runId, vocabSize, steps, checkpointInterval });

  const runState = async (runId: string) => (await db.getRepository(Run).findOneByOrFail({ id: runId })).state;
  const statesOf = (runId: string) => states.events.filter((e: RunStateChanged) => e.runId === runId).map((e) => e.state);
  const checkpointsOf = (runId: string) => checkpoints.events.filter((e: CheckpointSaved) => e.runId === runId);
  const metricsOf = (runId: string) => metrics.events.filter((e: MetricsReported) => e.runId === runId);

  it('trains a run to completion: metric points, intact checkpoints, state events', async () => {
    await queueRun('run-complete', 30, 10);
    await eventually('run-complete to complete', 120_000, async () => ((await runState('run-complete')) === 'completed' ? true : undefined));
    assert.deepEqual(statesOf('run-complete'), ['running', 'completed']);
    const run = await db.getRepository(Run).findOneByOrFail({ id: 'run-complete' });
    assert.ok(run.backend, 'the backend used is recorded');
    assert.ok(run.startedAt && run.finishedAt && run.finishedAt >= run.startedAt);

    const stored = await db.getRepository(Checkpoint).find({ where: { runId: 'run-complete' }, order: { step: 'ASC' } });
    assert.equal(stored.at(-1)!.step, 30, 'the last step is checkpointed');
    assert.ok(stored.some((c) => c.step === 10) && stored.some((c) => c.step === 20));
    const final = decodeCheckpoint(await store.readFile(stored.at(-1)!.uri));
    assert.equal(final.optimizer.step, 30);
    assert.equal(final.metadata['tokens'], String(30 * 4 * 8));
    const tokenizer = await db.getRepository(Tokenizer).findOneByOrFail({ id: tokenizerId });
    assert.deepEqual([final.metadata['tokenizer'], final.metadata['tokenizerSha256']], [tokenizer.uri, tokenizer.sha256], 'the checkpoint names its tokenizer, for export');
    const events = await eventually('a checkpoint.saved per checkpoint', 10_000, async () => (checkpointsOf('run-complete').length === stored.length ? checkpointsOf('run-complete') : undefined));
    assert.deepEqual(events.map((e) => e.checkpointId).sort(), stored.map((c) => c.id).sort());

    const points = await eventually('metric points written', 10_000, async () => {
      const rows = await db.getRepository(MetricPoint).find({ where: { runId: 'run-complete' }, order: { step: 'ASC' } });
      return rows.some((p) => p.step === 30 && p.evalLoss !== null) ? rows : undefined;
    });
    const trained = points.filter((p) => p.trainLoss !== null);
    assert.ok(trained.length >= 5, `train losses along the run (got ${trained.length})`);
    assert.ok(trained.at(-1)!.trainLoss! < trained[0]!.trainLoss!, 'the loss went down');
    assert.ok(points.filter((p) => p.evalLoss !== null).length >= 3, 'held-out loss at every eval interval');
  });

  it('announces the checkpoint it resumes from, which a worker stopped between storing and announcing left unannounced', async () => {
    // run-complete's step-10 checkpoint, stored for a new run of the same config and never announced.
    const job = await storeTrainingRun(db, { runId: 'run-unannounced', vocabSize, steps: 30, checkpointInterval: 10 });
    const source = await db.getRepository(Checkpoint).findOneByOrFail({ runId: 'run-complete', step: 10 });
    await db.getRepository(Checkpoint).save(db.getRepository(Checkpoint).create({ id: 'ck-unannounced-10', runId: job.runId, step: 10, tokens: source.tokens, uri: source.uri, sha256: source.sha256 }));
    await publisher.publish(jobSubjects.trainingJob, job, { id: `training-job:${job.runId}` });
    await eventually('run-unannounced to complete', 120_000, async () => ((await runState('run-unannounced')) === 'completed' ? true : undefined));
    const steps = await eventually('its checkpoint.saved events', 10_000, async () => {
      const announced = checkpointsOf('run-unannounced').map((e) => e.step).sort((a, b) => a - b);
      return announced.length >= 3 ? announced : undefined;
    });
    assert.deepEqual(steps, [10, 20, 30], 'the resumed-from checkpoint is announced, once, and the later ones');
  });

  it('stops a run for good on a cancel command, keeping its checkpoints', async () => {
    await queueRun('run-cancel', 100_000, 1000);
    await eventually('a first checkpoint', 60_000, async () => (checkpointsOf('run-cancel').length > 0 ? true : undefined));
    const reply = await nc.request(controlSubjects.cancelRun, JSON.stringify({ runId: 'run-cancel', reason: 'test cancels it' }), { timeout: 10_000 });
    assert.deepEqual(cancelRunReply.parse(reply.json()), { runId: 'run-cancel', outcome: 'stopping' });
    await eventually('run-cancel to be cancelled', 60_000, async () => ((await runState('run-cancel')) === 'cancelled' ? true : undefined));
    assert.ok((await db.getRepository(Checkpoint).countBy({ runId: 'run-cancel' })) > 0);
    assert.equal(statesOf('run-cancel').at(-1), 'cancelled');
  });

  it('cancels a queued run for good: the trainer answers, and the job, when it comes, trains nothing', async () => {
    const job = await storeTrainingRun(db, { runId: 'run-cancel-queued', vocabSize, steps: 30, checkpointInterval: 10 });
    const reply = await nc.request(controlSubjects.cancelRun, JSON.stringify({ runId: 'run-cancel-queued', reason: 'not needed' }), { timeout: 10_000 });
    assert.deepEqual(cancelRunReply.parse(reply.json()), { runId: 'run-cancel-queued', outcome: 'cancelled' });
    assert.equal(await runState('run-cancel-queued'), 'cancelled');
    await eventually('the cancelled state event', 10_000, async () => (statesOf('run-cancel-queued').includes('cancelled') ? true : undefined));
    // A second cancel finds nothing to do: no trainer answers.
    await assert.rejects(nc.request(controlSubjects.cancelRun, JSON.stringify({ runId: 'run-cancel-queued' }), { timeout: 1_000 }));
    await publisher.publish(jobSubjects.trainingJob, job, { id: 'training-job:run-cancel-queued' });
    // A run queued after it completes, so the worker has taken (and dropped) the cancelled one's job by then.
    await queueRun('run-after-cancelled', 5, 1000);
    await eventually('run-after-cancelled to complete', 60_000, async () => ((await runState('run-after-cancelled')) === 'completed' ? true : undefined));
    assert.equal(await runState('run-cancel-queued'), 'cancelled');
    assert.deepEqual(statesOf('run-cancel-queued'), ['cancelled']);
    assert.equal(await db.getRepository(Checkpoint).countBy({ runId: 'run-cancel-queued' }), 0);
  });

  it('on shutdown saves a checkpoint and hands the job back; the next worker resumes from it and completes', async () => {
    await queueRun('run-resume', 400, 1000);
    // Early checkpoints are log-spaced (1, 2, 4, ...): wait for a few steps of progress first.
    await eventually('steps past 8', 60_000, async () => (checkpointsOf('run-resume').some((e) => e.step >= 8) ? true : undefined));
    await trainer.close();
    assert.equal(await runState('run-resume'), 'queued', 'a stopped run is queued again');
    const saved = await db.getRepository(Checkpoint).find({ where: { runId: 'run-resume' }, order: { step: 'DESC' } });
    const resumeStep = saved[0]!.step;
    assert.ok(resumeStep >= 8 && resumeStep < 400, `stopped mid-run (at ${resumeStep})`);
    const reportedBefore = metricsOf('run-resume').length;

    trainer = await stack.start({ service: 'trainer', feature: TrainerModule });
    await eventually('run-resume to complete', 240_000, async () => ((await runState('run-resume')) === 'completed' ? true : undefined));
    const after = metricsOf('run-resume').slice(reportedBefore).flatMap((e) => e.points.map((p) => p.step));
    assert.ok(after.length > 0 && Math.min(...after) > resumeStep, `training went on after step ${resumeStep}, not from scratch (first step ${Math.min(...after)})`);
    const final = await db.getRepository(Checkpoint).findOneByOrFail({ runId: 'run-resume', step: 400 });
    assert.equal(decodeCheckpoint(await store.readFile(final.uri)).metadata['tokens'], String(400 * 4 * 8));
  });

  it('runs TRAINER_CONCURRENT_JOBS jobs at once in one trainer, each to completion', async () => {
    await trainer.close();
    trainer = await stack.start({ service: 'trainer', feature: trainerModule({ ...defaultTrainerSettings, concurrentJobs: 2 }) });
    await queueRun('run-both-a', 300, 1000);
    await queueRun('run-both-b', 300, 1000);
    await eventually('both runs training at the same time', 60_000, async () =>
      (await runState('run-both-a')) === 'running' && (await runState('run-both-b')) === 'running' ? true : undefined,
    );
    for (const runId of ['run-both-a', 'run-both-b']) {
      await eventually(`${runId} to complete`, 240_000, async () => ((await runState(runId)) === 'completed' ? true : undefined));
      assert.ok(await db.getRepository(Checkpoint).findOneBy({ runId, step: 300 }), `${runId} has its final checkpoint`);
    }
  });
});
