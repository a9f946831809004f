import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlamaModel, ParallelTrainer, Trainer, batchFromBlocks, splitMicroBatches, tf, type TokenBatch } from './index.js';
import { TINY, assertClose, randomTokens, useBackend } from './test-support.js';

const schedule = { peakLearningRate: 1e-2, warmupSteps: 1, totalSteps: 20, finalFraction: 0.5 };

function randomBatch(rows: number, seed: number): TokenBatch {
  const tokens = randomTokens(rows * (TINY.contextLength + 1), TINY.vocabSize, seed);
  return batchFromBlocks(Array.from({ length: rows }, (_, r) => tokens.subarray(r * (TINY.contextLength + 1), (r + 1) * (TINY.contextLength + 1))));
}

/** Three steps of two micro-batches of 5 and 3 rows (uneven, so some shares are short). */
const steps = [1, 2, 3].map((seed) => [randomBatch(5, seed), randomBatch(3, seed + 10)]);

describe('splitMicroBatches', () => {
  it('cuts each micro-batch into contiguous near-equal row shares that cover it once', () => {
    const batch = randomBatch(5, 1);
    const shares = splitMicroBatches([batch, randomBatch(1, 2)], 3);
    assert.deepEqual(shares.map((share) => share.map((b) => b.batchSize)), [[1], [2], [2, 1]]);
    const rejoined = Int32Array.from(shares.flatMap((share) => (share[0] ? [...share[0].tokens] : [])));
    assert.deepEqual(rejoined, batch.tokens);
  });
});

describe('ParallelTrainer', () => {
  it('takes the same steps as one Trainer (to float rounding) on 2 wasm replicas, deterministically, without leaking tensors', async () => {
    await useBackend('wasm');
    const serialModel = LlamaModel.create(TINY, 4);
    const serial = new Trainer(serialModel, { schedule });
    const serialLosses = steps.map((batches) => serial.trainStep(batches).loss);

    const runParallel = async (): Promise<{ losses: number[]; weights: Map<string, Float32Array>; leaked: number }> => {
      const model = LlamaModel.create(TINY, 4);
      const parallel = new ParallelTrainer(model, { schedule }, 2, 'wasm');
      const losses = [(await parallel.trainStep(steps[0]!)).loss];
      const tensors = tf.memory().numTensors;
      for (const batches of steps.slice(1)) losses.push((await parallel.trainStep(batches)).loss);
      const leaked = tf.memory().numTensors - tensors;
      const weights = model.values();
      await parallel.dispose();
      model.dispose();
      return { losses, weights, leaked };
    };
    const first = await runParallel();
    assertClose(first.losses, serialLosses, 1e-5, 'losses');
    for (const [name, values] of serialModel.values()) assertClose(first.weights.get(name)!, values, 1e-5, name);
    assert.equal(first.leaked, 0, 'live tensors are flat across steps');

    const second = await runParallel();
    assert.deepEqual(second.losses, first.losses, 'the same replica count gives the same numbers, bit for bit');
    for (const [name, values] of first.weights) assert.deepEqual(second.weights.get(name), values, name);
    serial.dispose();
    serialModel.dispose();
  });

  it('refuses fewer than 2 replicas, and reports a failing replica', async () => {
    await useBackend('wasm');
    const model = LlamaModel.create(TINY, 5);
    assert.throws(() => new ParallelTrainer(model, { schedule }, 1, 'wasm'), /replicas must be an integer >= 2/);
    const parallel = new ParallelTrainer(model, { schedule }, 2, 'wasm');
    // A token id past the vocabulary fails the replica's embedding lookup.
    const bad = { ...randomBatch(2, 7) };
    bad.tokens[TINY.contextLength + 1] = 1e6;
    await assert.rejects(parallel.trainStep([bad]), /data-parallel step: a replica failed/);
    await parallel.dispose();
    model.dispose();
  });
});
