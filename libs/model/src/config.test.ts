import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelConfigError, resolveModelConfig, type ModelConfigInput } from './index.js';

function rejects(input: ModelConfigInput, field: string, fragment: string): void {
  assert.throws(
    () => resolveModelConfig(input),
    (error: unknown) =>
      error instanceof ModelConfigError && error.field === field && error.message.includes(fragment),
  );
}

describe('resolveModelConfig', () => {
  it('fills the paper defaults: 8 heads, context 128, intermediate 4h, theta 10000, no scaling', () => {
    assert.deepEqual(resolveModelConfig({ hiddenSize: 256, numLayers: 4, vocabSize: 15_000 }), {
      hiddenSize: 256,
      numLayers: 4,
      numHeads: 8,
      vocabSize: 15_000,
      contextLength: 128,
      intermediateSize: 1024,
      ropeTheta: 10_000,
      ropeScalingFactor: 1,
      rmsNormEps: 1e-6,
    });
  });

  it('keeps explicit values', () => {
    const config = resolveModelConfig({ hiddenSize: 16, numLayers: 2, vocabSize: 50, numHeads: 2, contextLength: 8, ropeScalingFactor: 8 });
    assert.equal(config.numHeads, 2);
    assert.equal(config.contextLength, 8);
    assert.equal(config.ropeScalingFactor, 8);
  });

  it('names the field of each invalid value', () => {
    rejects({ hiddenSize: 100, numLayers: 2, vocabSize: 50 }, 'hiddenSize', 'divisible by numHeads (8)');
    rejects({ hiddenSize: 24, numLayers: 2, vocabSize: 50, numHeads: 8 }, 'numHeads', 'even head size');
    rejects({ hiddenSize: 0, numLayers: 2, vocabSize: 50 }, 'hiddenSize', 'positive integer');
    rejects({ hiddenSize: 32, numLayers: 1.5, vocabSize: 50 }, 'numLayers', 'positive integer');
    rejects({ hiddenSize: 32, numLayers: 2, vocabSize: -1 }, 'vocabSize', 'positive integer');
    rejects({ hiddenSize: 32, numLayers: 2, vocabSize: 50, contextLength: 0 }, 'contextLength', 'positive integer');
    rejects({ hiddenSize: 32, numLayers: 2, vocabSize: 50, ropeTheta: Number.NaN }, 'ropeTheta', 'positive finite');
    rejects({ hiddenSize: 32, numLayers: 2, vocabSize: 50, ropeScalingFactor: 0 }, 'ropeScalingFactor', 'positive finite');
  });
});
