import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlamaModel, Rng, Trainer, batchFromBlocks, decodeCheckpoint, encodeCheckpoint, type TokenBatch } from './index.js';
import { TINY, useBackend } from './test-support.js';

const schedule = { peakLearningRate: 5e-3, warmupSteps: 2, totalSteps: 8, finalFraction: 0.5 };

/** Random blocks drawn from the run's own RNG, as a training loop would sample data. */
function sampleBatch(rng: Rng): TokenBatch {
  return batchFromBlocks(Array.from({ length: 2 }, () => Array.from({ length: TINY.contextLength + 1 }, () => rng.nextInt(TINY.vocabSize))));
}

describe('training checkpoints', () => {
  it('resume bit-for-bit: N steps straight equal N/2 + save + load into a fresh model + N/2', async () => {
    await useBackend('wasm');
    const steps = 6;
    const straightModel = LlamaModel.create(TINY, 11);
    const straight = new Trainer(straightModel, { schedule });
    const straightRng = Rng.fromSeed(5);
    const straightLosses: number[] = [];
    for (let i = 0; i < steps; i++) straightLosses.push(straight.trainStep([sampleBatch(straightRng), sampleBatch(straightRng)]).loss);

    const firstModel = LlamaModel.create(TINY, 11);
    const first = new Trainer(firstModel, { schedule });
    const firstRng = Rng.fromSeed(5);
    for (let i = 0; i < steps / 2; i++) first.trainStep([sampleBatch(firstRng), sampleBatch(firstRng)]);
    const bytes = encodeCheckpoint({
      config: firstModel.config,
      weights: firstModel.values(),
      optimizer: first.optimizerState(),
      rng: firstRng.state(),
      metadata: { dataPosition: '1234' },
    });
    first.dispose();
    firstModel.dispose();

    const saved = decodeCheckpoint(bytes);
    assert.equal(saved.optimizer.step, steps / 2);
    assert.deepEqual(saved.metadata, { dataPosition: '1234' });
    const resumedModel = LlamaModel.create(saved.config, 999); // different init, overwritten
    resumedModel.assignValues(saved.weights);
    const resumed = new Trainer(resumedModel, { schedule });
    resumed.restoreOptimizer(saved.optimizer);
    const resumedRng = Rng.fromState(saved.rng!);
    const resumedLosses: number[] = [];
    for (let i = 0; i < steps / 2; i++) resumedLosses.push(resumed.trainStep([sampleBatch(resumedRng), sampleBatch(resumedRng)]).loss);

    assert.equal(resumed.step, steps);
    assert.deepEqual(resumedLosses, straightLosses.slice(steps / 2));
    const expected = straightModel.values();
    for (const [name, values] of resumedModel.values()) assert.deepEqual(values, expected.get(name), name);
    assert.deepEqual(resumed.optimizerState(), straight.optimizerState());
    [straight, resumed].forEach((t) => t.dispose());
    [straightModel, resumedModel].forEach((m) => m.dispose());
  });

  it('rejects bytes that are not a checkpoint', () => {
    assert.throws(() => decodeCheckpoint(new Uint8Array(4)), /too short/);
  });
});
