import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeCheckpoint, selectBackend, tf } from '@downscale/model';
import { TokenDataset, planRun, trainRun, type CheckpointEvent, type MetricPoint, type RunOutcome, type TrainRunOptions, type TrainingConfig } from './index.js';
import { TINY_MODEL, TINY_TRAINING, syntheticIds } from './test-support.js';

const IDS = syntheticIds(3000, 60, 7);

interface Recorded {
  outcome: RunOutcome;
  points: MetricPoint[];
  checkpoints: CheckpointEvent[];
  batches: number;
}

async function run(training: TrainingConfig = TINY_TRAINING, extra: Partial<TrainRunOptions> = {}): Promise<Recorded> {
  const points: MetricPoint[] = [];
  const checkpoints: CheckpointEvent[] = [];
  let batches = 0;
  const outcome = await trainRun({
    plan: planRun(TINY_MODEL, training),
    dataset: new TokenDataset(IDS, { contextLength: 8, seed: training.seed }),
    onMetrics: (batch) => {
      batches++;
      points.push(...batch);
    },
    onCheckpoint: (checkpoint) => void checkpoints.push(checkpoint),
    ...extra,
  });
  return { outcome, points, checkpoints, batches };
}

const weightsOf = (checkpoint: CheckpointEvent | undefined): Map<string, Float32Array> => decodeCheckpoint(checkpoint!.bytes).weights;

describe('trainRun', () => {
  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
  });

  it('trains to the end with batched metric points, evals and planned checkpoints', async () => {
    const { outcome, points, checkpoints, batches } = await run(TINY_TRAINING, { metricsInterval: 1, flushIntervalMs: 60_000 });
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.step, 8);
    assert.equal(outcome.tokens, 8 * 32);
    assert.equal(outcome.backend, 'cpu');
    assert.deepEqual(points.map((p) => p.step), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(batches < points.length, `points arrive in batches (${batches} calls)`);
    assert.ok(Math.abs(points[0]!.evalLoss! - Math.log(60)) < 0.2, `initial held-out loss near ln 60: ${points[0]!.evalLoss}`);
    // Evaluated every evalInterval (3) steps, at every checkpoint (1, 2, 4, 8) and at the end.
    assert.deepEqual(points.filter((p) => p.evalLoss !== undefined).map((p) => p.step), [0, 1, 2, 3, 4, 6, 8]);
    const last = points.at(-1)!;
    assert.equal(outcome.finalEvalLoss, last.evalLoss);
    assert.ok(last.evalLoss! < points[0]!.evalLoss!, 'the held-out loss falls');
    const plan = planRun(TINY_MODEL, TINY_TRAINING);
    assert.equal(last.flopsKaplan, plan.flopsPerToken.kaplan * 256);
    assert.equal(last.flopsHoffmann, plan.flopsPerToken.detailed * 256);
    for (const point of points.slice(1)) {
      assert.ok(Number.isFinite(point.trainLoss) && point.tokensPerSecond! > 0 && point.learningRate! > 0, JSON.stringify(point));
    }
    assert.deepEqual(checkpoints.map((c) => [c.step, c.tokens]), [[1, 32], [2, 64], [4, 128], [8, 256]]);
    assert.ok(checkpoints.every((c) => c.evalLoss !== undefined));
    assert.equal(decodeCheckpoint(checkpoints.at(-1)!.bytes).optimizer.step, 8);
  });

  it('resumes bit for bit: N steps straight equal N/2, a checkpoint, a fresh model from its bytes, N/2', async () => {
    const straight = await run();
    const half = straight.checkpoints.find((c) => c.step === 4)!;
    const resumed = await run(TINY_TRAINING, { resume: half.bytes });
    assert.equal(resumed.outcome.status, 'completed');
    assert.deepEqual(resumed.checkpoints.map((c) => c.step), [8], 'only the checkpoints after the resume point');
    assert.deepEqual(weightsOf(resumed.checkpoints.at(-1)), weightsOf(straight.checkpoints.at(-1)));
    assert.deepEqual(decodeCheckpoint(resumed.checkpoints.at(-1)!.bytes).optimizer, decodeCheckpoint(straight.checkpoints.at(-1)!.bytes).optimizer);
    assert.equal(resumed.outcome.finalEvalLoss, straight.outcome.finalEvalLoss);
    const trainLosses = (points: MetricPoint[]): (number | undefined)[] => points.filter((p) => p.step > 4).map((p) => p.trainLoss);
    assert.deepEqual(trainLosses(resumed.points), trainLosses(straight.points));
  });

  it('shares each step among data-parallel threads: one thread\'s result to float rounding, resumed bit for bit with the same count', async () => {
    const single = await run();
    const parallel = await run(TINY_TRAINING, { threads: 2 });
    assert.equal(parallel.outcome.status, 'completed');
    assert.deepEqual(parallel.checkpoints.map((c) => c.step), single.checkpoints.map((c) => c.step));
    for (const [name, values] of weightsOf(single.checkpoints.at(-1))) {
      const other = weightsOf(parallel.checkpoints.at(-1)).get(name)!;
      const worst = values.reduce((max, value, i) => Math.max(max, Math.abs(value - other[i]!)), 0);
      assert.ok(worst < 1e-4, `${name} differs by ${worst}`);
    }
    const resumed = await run(TINY_TRAINING, { threads: 2, resume: parallel.checkpoints.find((c) => c.step === 4)!.bytes });
    assert.deepEqual(weightsOf(resumed.checkpoints.at(-1)), weightsOf(parallel.checkpoints.at(-1)));
  });

  it('stops on abort with a checkpoint of the current step, from which it resumes exactly', async () => {
    const straight = await run();
    const controller = new AbortController();
    const stopped = await run(TINY_TRAINING, {
      signal: controller.signal,
      metricsInterval: 1,
      flushIntervalMs: 0,
      onMetrics: (points) => {
        if (points.some((p) => p.step === 3)) controller.abort();
      },
    });
    assert.deepEqual({ status: stopped.outcome.status, step: stopped.outcome.step }, { status: 'stopped', step: 3 });
    assert.deepEqual(stopped.checkpoints.map((c) => c.step), [1, 2, 3]);
    const resumed = await run(TINY_TRAINING, { resume: decodeCheckpoint(stopped.checkpoints.at(-1)!.bytes) });
    assert.deepEqual(weightsOf(resumed.checkpoints.at(-1)), weightsOf(straight.checkpoints.at(-1)));
  });

  it('saves no second checkpoint when stopped at a step already saved', async () => {
    const controller = new AbortController();
    controller.abort();
    const atStart = await run(TINY_TRAINING, { signal: controller.signal });
    assert.deepEqual(atStart.checkpoints.map((c) => c.step), [0], 'a fresh run stopped at once saves its initial state');
    const again = await run(TINY_TRAINING, { signal: controller.signal, resume: atStart.checkpoints[0]!.bytes });
    assert.equal(again.outcome.status, 'stopped');
    assert.deepEqual(again.checkpoints, []);
  });

  it('reports divergence with a diagnostic and checkpoints no bad state', async () => {
    for (const peakLearningRate of [1e6, 1e30]) {
      const { outcome, checkpoints, points } = await run({ ...TINY_TRAINING, peakLearningRate });
      assert.equal(outcome.status, 'diverged', `peak ${peakLearningRate}`);
      assert.match(outcome.reason!, /diverged at step \d+: .*gradient norm .*learning rate .*last good train loss/);
      assert.ok(checkpoints.every((c) => c.step <= outcome.step), 'no checkpoint past the last good step');
      for (const checkpoint of checkpoints) {
        for (const values of weightsOf(checkpoint).values()) assert.ok(values.every(Number.isFinite), `finite weights at step ${checkpoint.step}`);
      }
      assert.ok(points.every((p) => p.trainLoss === undefined || Number.isFinite(p.trainLoss)));
      assert.ok(points.every((p) => p.evalLoss === undefined || Number.isFinite(p.evalLoss)));
    }
  });

  it('leaks no tensors: the live count is flat across steps and back to its start after the run', async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    await run({ ...TINY_TRAINING, evalInterval: 100 }, { metricsInterval: 1, flushIntervalMs: 0, onMetrics: () => void counts.push(tf.memory().numTensors) });
    assert.ok(counts.length >= 6);
    assert.deepEqual(counts.slice(2), counts.slice(2).map(() => counts[2]), `live tensors per step: ${counts.join(', ')}`);
    assert.equal(tf.memory().numTensors, start);
  });

  it('yields to the event loop between steps', async () => {
    let ticks = 0;
    let ticking = true;
    const tick = (): void => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await run();
    ticking = false;
    assert.ok(ticks >= 8, `other work ran ${ticks} times during 8 steps`);
  });

  it('refuses a checkpoint of another run or data', async () => {
    const { checkpoints } = await run({ ...TINY_TRAINING, tokenBudget: 64 });
    await assert.rejects(run({ ...TINY_TRAINING, seed: 2 }, { resume: checkpoints[0]!.bytes }), /checkpoint's seed is 1 but this run's is 2/);
    await assert.rejects(run({ ...TINY_TRAINING, batchSize: 2 }, { resume: checkpoints[0]!.bytes }), /checkpoint's batchSize is 4 but this run's is 2/);
  });

  it('refuses data outside the vocabulary or too small for a batch', async () => {
    const plan = planRun({ ...TINY_MODEL, vocabSize: 40 }, TINY_TRAINING);
    await assert.rejects(trainRun({ plan, dataset: new TokenDataset(IDS, { contextLength: 8, seed: 1 }) }), /token id 59, outside the model's vocabulary of 40/);
    const tiny = new TokenDataset(IDS.subarray(0, 30), { contextLength: 8, heldOutFraction: 0, seed: 1 });
    await assert.rejects(trainRun({ plan: planRun(TINY_MODEL, TINY_TRAINING), dataset: tiny }), /one batch needs 4 blocks but the training split has 3/);
  });
});
