import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlamaModel, Trainer, batchFromBlocks, tf, type TokenBatch } from './index.js';
import { TINY, assertClose, randomTokens, useBackend } from './test-support.js';

const schedule = { peakLearningRate: 1e-2, warmupSteps: 2, totalSteps: 40, finalFraction: 0.5 };

function repeatingBlocks(rows: number): number[][] {
  // A cycle of 9 tokens: each block is the same sequence, shifted by its row.
  const cycle = [4, 11, 7, 30, 2, 45, 19, 8, 23];
  return Array.from({ length: rows }, (_, row) => Array.from({ length: TINY.contextLength + 1 }, (_, t) => cycle[(t + row) % cycle.length]!));
}

function randomBatch(rows: number, seed: number): TokenBatch {
  const tokens = randomTokens(rows * (TINY.contextLength + 1), TINY.vocabSize, seed);
  return batchFromBlocks(Array.from({ length: rows }, (_, r) => tokens.subarray(r * (TINY.contextLength + 1), (r + 1) * (TINY.contextLength + 1))));
}

describe('batchFromBlocks', () => {
  it('shifts each block into inputs and next-token targets', () => {
    const batch = batchFromBlocks([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(batch, { tokens: Int32Array.from([1, 2, 4, 5]), targets: Int32Array.from([2, 3, 5, 6]), batchSize: 2, length: 2 });
    assert.throws(() => batchFromBlocks([[1, 2, 3], [4, 5]]), /block 1 has 2 tokens, expected 3/);
  });
});

describe('Trainer', () => {
  it('learns a repeating sequence on wasm (loss falls well below its start)', async () => {
    await useBackend('wasm');
    const model = LlamaModel.create(TINY, 1);
    const trainer = new Trainer(model, { schedule });
    const batch = batchFromBlocks(repeatingBlocks(4));
    const losses = Array.from({ length: 30 }, () => trainer.trainStep([batch]).loss);
    assert.ok(losses[0]! > 3.5, `starts near ln 50: ${losses[0]}`);
    assert.ok(losses.at(-1)! < 0.5, `ends low: ${losses.at(-1)}`);
    trainer.dispose();
    model.dispose();
  });

  it('leaks no tensors across steps, with gradient accumulation', async () => {
    await useBackend('wasm');
    const model = LlamaModel.create(TINY, 2);
    const trainer = new Trainer(model, { schedule });
    const micro = [randomBatch(2, 1), randomBatch(2, 2)];
    trainer.trainStep(micro); // builds the position caches
    const live = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainer.trainStep(micro);
    assert.equal(tf.memory().numTensors, live);
    trainer.dispose();
    model.dispose();
  });

  it('accumulates micro-batches into the gradient of the whole batch', async () => {
    await useBackend('cpu');
    const whole = randomBatch(4, 3);
    const half = (part: 0 | 1): TokenBatch => {
      const n = 2 * whole.length;
      return { ...whole, batchSize: 2, tokens: whole.tokens.slice(part * n, (part + 1) * n), targets: whole.targets.slice(part * n, (part + 1) * n) };
    };
    const run = (batches: TokenBatch[]): { loss: number; gradNorm: number; weights: Float32Array } => {
      const model = LlamaModel.create(TINY, 3);
      const trainer = new Trainer(model, { schedule });
      const { loss, gradNorm } = trainer.trainStep(batches);
      const weights = model.values().get('model.layers.0.mlp.up_proj.weight')!;
      trainer.dispose();
      model.dispose();
      return { loss, gradNorm, weights };
    };
    const once = run([whole]);
    const accumulated = run([half(0), half(1)]);
    assertClose([accumulated.loss, accumulated.gradNorm], [once.loss, once.gradNorm], 1e-5, 'loss and grad norm');
    assertClose(accumulated.weights, once.weights, 1e-5, 'updated weights');
  });

  it('clips the global gradient norm before the update', async () => {
    await useBackend('cpu');
    const model = LlamaModel.create(TINY, 4);
    const trainer = new Trainer(model, { schedule, maxGradNorm: 0.01 });
    const { gradNorm } = trainer.trainStep([randomBatch(2, 4)]);
    assert.ok(gradNorm > 0.01, `the raw norm exceeds the clip: ${gradNorm}`);
    // After one step the first moment is (1 - beta1) * clipped gradient.
    const moments = [...trainer.optimizerState().firstMoments.values()];
    const norm = Math.sqrt(moments.reduce((sum, m) => sum + m.reduce((s, v) => s + v * v, 0), 0));
    assertClose([norm], [0.1 * 0.01], 1e-4, 'first-moment norm');
    trainer.dispose();
    model.dispose();
  });
});
