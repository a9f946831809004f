/**
 * Fault tests of the trainer (npm run test:faults): real trainer processes killed, stopped
 * and cut off from NATS or the artifact store, over a private nats-server and SQLite home.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects } from '@downscale/contracts';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { decodeCheckpoint } from '@downscale/model';
import { Checkpoint, MetricPoint, openDatabase, Run } from '@downscale/persistence';
import { eventually, spawnService, startTestStack, type ServiceProcess, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { queueTrainingRun, seedTrainingCorpus, type TinyRun } from './test-fixtures.js';

const trainerMain = fileURLToPath(new URL('./main.js', import.meta.url));
const STEPS = 100;

describe('trainer faults: a killed, stopped or cut-off trainer loses and repeats nothing', { timeout: 600_000 }, () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let store: ArtifactStore;
  let vocabSize: number;
  let env: NodeJS.ProcessEnv;
  const trainers: ServiceProcess[] = [];

  before(async () => {
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    store = new ArtifactStore(join(stack.home, 'artifacts'));
    vocabSize = await seedTrainingCorpus(db, store);
    nc = await connectNats({ servers: stack.nats.url, name: 'trainer-faults-test' });
    publisher = new EventPublisher(nc, 'test');
    // A dead worker's job comes back after 2 s and its run's lease runs out after 2 s.
    env = { ...stack.env, TRAINER_JOB_ACK_WAIT_MS: '2000', TRAINER_LEASE_MS: '2000', TRAINER_HEARTBEAT_MS: '300' };
  });

  after(async () => {
    for (const trainer of trainers) await trainer.kill();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const startTrainer = async () => {
    const trainer = await spawnService(trainerMain, env);
    trainers.push(trainer);
    return trainer;
  };
  /** A run of STEPS steps with a held-out loss, hence a metric point, at every step. */
  const queue = (runId: string, extra: Partial<TinyRun> = {}) => queueTrainingRun(db, publisher, { runId, vocabSize, steps: STEPS, checkpointInterval: 10, evalInterval: 1, ...extra });
  const runState = async (runId: string) => (await db.getRepository(Run).findOneByOrFail({ id: runId })).state;
  const completed = (runId: string, timeoutMs = 300_000) =>
    eventually(`${runId} to complete`, timeoutMs, async () => ((await runState(runId)) === 'completed' ? true : undefined));
  const checkpointSteps = async (runId: string) => (await db.getRepository(Checkpoint).find({ where: { runId }, order: { step: 'ASC' } })).map((c) => c.step);
  const checkpointAtLeast = (runId: string, step: number) =>
    eventually(`a checkpoint of ${runId} at step >= ${step}`, 120_000, async () => ((await checkpointSteps(runId)).some((s) => s >= step) ? true : undefined));
  const finalCheckpoint = async (runId: string) => decodeCheckpoint(await store.readFile((await db.getRepository(Checkpoint).findOneByOrFail({ runId, step: STEPS })).uri));
  const points = (runId: string) => db.getRepository(MetricPoint).find({ where: { runId }, order: { step: 'ASC' } });
  /** What must not depend on interruptions: the step, train loss (one step per point here), eval loss and learning rate. */
  const curve = async (runId: string) => (await points(runId)).map((p) => ({ step: p.step, trainLoss: p.trainLoss, evalLoss: p.evalLoss, learningRate: p.learningRate }));
  const resumedFrom = async (trainer: ServiceProcess, runId: string) =>
    JSON.parse(await trainer.waitForLine(new RegExp(`"runId":"${runId}".*"msg":"resuming from checkpoint"`), 60_000)).step as number;

  /** The reference: the same config trained without interruption (same seed, so the same weights). */
  let straight: { weights: Map<string, Float32Array>; curve: Awaited<ReturnType<typeof curve>> } | undefined;
  async function uninterrupted() {
    if (!straight) {
      const trainer = await startTrainer();
      await queue('run-straight');
      await completed('run-straight');
      await trainer.stop();
      straight = { weights: (await finalCheckpoint('run-straight')).weights, curve: await curve('run-straight') };
      assert.deepEqual(straight.curve.map((p) => p.step), Array.from({ length: STEPS + 1 }, (_, i) => i), 'the reference has a point at every step 0..N');
    }
    return straight;
  }

  /** What must hold after any fault: the same final weights and the same metric points, each step once, as the uninterrupted run. */
  async function assertSameAsUninterrupted(runId: string): Promise<void> {
    const reference = await uninterrupted();
    const final = await finalCheckpoint(runId);
    assert.equal(final.optimizer.step, STEPS);
    assert.deepEqual([...final.weights.keys()].sort(), [...reference.weights.keys()].sort());
    for (const [name, values] of reference.weights) assert.deepEqual(final.weights.get(name), values, `tensor ${name} equals the uninterrupted run's`);
    // (run_id, step) is the primary key, so a step is stored at most once; what is checked is that none is missing and each holds the uninterrupted value.
    const stored = await curve(runId);
    assert.deepEqual(stored.map((p) => p.step), reference.curve.map((p) => p.step), 'a metric point at every step, none missing');
    assert.deepEqual(stored, reference.curve, 'each metric point as in the uninterrupted run');
  }

  it('kill -9 mid-run: the job goes to a new trainer process, which resumes from the last checkpoint and ends with the uninterrupted weights and points', async () => {
    const first = await startTrainer();
    await queue('run-killed');
    await checkpointAtLeast('run-killed', 10);
    await first.kill();
    const saved = await checkpointSteps('run-killed');
    assert.notEqual(await runState('run-killed'), 'completed');
    assert.ok(saved.at(-1)! < STEPS, `killed mid-run (last checkpoint at step ${saved.at(-1)})`);

    const second = await startTrainer();
    await completed('run-killed');
    assert.equal(await resumedFrom(second, 'run-killed'), saved.at(-1), 'resumed from the last checkpoint the killed process saved');
    await second.stop();
    await assertSameAsUninterrupted('run-killed');
  });

  it('a truncated checkpoint file is detected by its checksum and the previous checkpoint is used', async () => {
    const first = await startTrainer();
    await queue('run-truncated');
    await checkpointAtLeast('run-truncated', 20);
    // SIGTERM saves a checkpoint of the current step and hands the job back.
    assert.equal(await first.stop(), 0);
    assert.equal(await runState('run-truncated'), 'queued');
    const stored = await db.getRepository(Checkpoint).find({ where: { runId: 'run-truncated' }, order: { step: 'DESC' } });
    const [newest, previous] = stored;
    assert.ok(newest && previous && newest.step < STEPS, `stopped mid-run at step ${newest?.step}`);
    truncateSync(store.path(newest.uri), 100);

    const second = await startTrainer();
    await completed('run-truncated');
    await second.waitForLine(new RegExp(`"step":${newest.step}.*does not match its checksum`), 1_000);
    assert.equal(await resumedFrom(second, 'run-truncated'), previous.step, 'resumed from the intact checkpoint before the truncated one');
    await second.stop();
    await assertSameAsUninterrupted('run-truncated');
  });

  it('an unwritable artifact store pauses the run with an error naming the path, writes no checkpoint, and the run goes on once it is writable', async () => {
    // A file where the run's checkpoint folder must go: every checkpoint write fails (root ignores permissions, not this).
    const blocker = join(stack.home, 'artifacts', 'checkpoints', 'run-unwritable');
    mkdirSync(join(blocker, '..'), { recursive: true });
    writeFileSync(blocker, 'not a folder');
    const trainer = await startTrainer();
    await queue('run-unwritable');
    const error = await trainer.waitForLine(/could not write the checkpoint of run run-unwritable/, 60_000);
    assert.match(error, /checkpoints\/run-unwritable\/step-\d+\/checkpoint.safetensors: ENOTDIR/, `the error names the path and the cause: ${error}`);
    assert.deepEqual(await checkpointSteps('run-unwritable'), [], 'no checkpoint recorded while the store is unwritable');
    assert.notEqual(await runState('run-unwritable'), 'completed');

    rmSync(blocker);
    await completed('run-unwritable');
    await trainer.stop();
    await assertSameAsUninterrupted('run-unwritable');
  });

  it('a NATS restart (JetStream on disk) mid-run: the trainer reconnects, and every checkpoint.saved is in the stream exactly once', async () => {
    const trainer = await startTrainer();
    await queue('run-nats', { evalInterval: 10 });
    await checkpointAtLeast('run-nats', 10);
    await stack.nats.restart();
    assert.notEqual(await runState('run-nats'), 'completed', 'NATS restarted mid-run');
    await completed('run-nats');
    await trainer.stop();

    const steps = await checkpointSteps('run-nats');
    assert.equal(steps.at(-1), STEPS);
    const published = (await eventsOn(eventSubjects.checkpointSaved)).filter((e) => e['runId'] === 'run-nats').map((e) => e['step'] as number);
    assert.deepEqual(published.sort((a, b) => a - b), steps, 'one checkpoint.saved per stored checkpoint, none lost, none twice');
    const stored = (await points('run-nats')).map((p) => p.step);
    const expected = [...new Set([0, ...Array.from({ length: STEPS / 10 }, (_, i) => (i + 1) * 10), ...steps])].sort((a, b) => a - b);
    assert.deepEqual(stored, expected, 'a metric point at step 0, every eval interval and every checkpoint');
  });

  /** The payloads of every message on `subject` in the EVENTS stream, read from the stream itself. */
  async function eventsOn(subject: string): Promise<Record<string, unknown>[]> {
    const reader = await connectNats({ servers: stack.nats.url, name: 'trainer-faults-reader' });
    try {
      const jsm = await jetstreamManager(reader);
      const { state } = await jsm.streams.info(streamNames.events);
      const payloads: Record<string, unknown>[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(streamNames.events, { seq }).catch(() => null);
        if (message?.subject === subject) payloads.push((message.json() as { payload: Record<string, unknown> }).payload);
      }
      return payloads;
    } finally {
      await reader.close();
    }
  }
});
