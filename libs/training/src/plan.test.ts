import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countParameters, learningRateAt, resolveModelConfig } from '@downscale/model';
import { TrainingConfigError, checkpointSteps, planRun, type TrainingConfig } from './index.js';
import { TINY_MODEL, TINY_TRAINING } from './test-support.js';

function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof TrainingConfigError, String(error));
    return error.field;
  }
  assert.fail('no error');
}

describe('checkpointSteps', () => {
  it('is log-spaced below the interval, then every interval, and ends at the last step', () => {
    assert.deepEqual(checkpointSteps(600, 150), [16, 32, 64, 128, 150, 300, 450, 600], 'four octaves below the interval');
    assert.deepEqual(checkpointSteps(100, 10), [1, 2, 4, 8, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    assert.deepEqual(checkpointSteps(30, 8), [1, 2, 4, 8, 16, 24, 30]);
    assert.deepEqual(checkpointSteps(5, 10), [1, 2, 4, 5]);
    assert.deepEqual(checkpointSteps(1, 1), [1]);
  });
});

describe('planRun', () => {
  it('derives steps, schedule, checkpoints and FLOPs from the configs', () => {
    const training: TrainingConfig = { ...TINY_TRAINING, tokenBudget: 1000, warmupSteps: 3, checkpointInterval: 16 };
    const plan = planRun(TINY_MODEL, training);
    assert.equal(plan.tokensPerStep, 4 * 8);
    assert.equal(plan.totalSteps, Math.ceil(1000 / 32));
    assert.equal(plan.microBatchesPerStep, 2);
    assert.deepEqual(plan.checkpointSteps, [1, 2, 4, 8, 16, 32]);
    assert.equal(learningRateAt(2, plan.schedule), training.peakLearningRate);
    assert.ok(Math.abs(learningRateAt(plan.totalSteps, plan.schedule) - 0.5 * training.peakLearningRate) < 1e-12, 'cosine ends at the floor');
    const nonEmbedding = countParameters(resolveModelConfig(TINY_MODEL)).nonEmbedding;
    assert.equal(plan.nonEmbeddingParams, nonEmbedding);
    assert.equal(plan.flopsPerToken.kaplan, 6 * nonEmbedding);
    assert.ok(plan.flopsPerToken.detailed > plan.flopsPerToken.kaplan, 'the detailed count adds embeddings, logits and attention');
  });

  it("takes a training job's model (layers, heads) as well", () => {
    const plan = planRun({ hiddenSize: 16, layers: 2, heads: 2, vocabSize: 60, contextLength: 8 }, TINY_TRAINING);
    assert.deepEqual(plan.model, resolveModelConfig(TINY_MODEL));
  });

  it('trains at a shorter context than the model on request, never a longer one', () => {
    assert.equal(planRun(TINY_MODEL, TINY_TRAINING, 4).tokensPerStep, 16);
    assert.equal(fieldOf(() => planRun(TINY_MODEL, TINY_TRAINING, 9)), 'contextLength');
  });

  it('rejects invalid configs naming the field', () => {
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, microBatchSize: 3 })), 'microBatchSize');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, tokenBudget: 0 })), 'tokenBudget');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, peakLearningRate: 0 })), 'peakLearningRate');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, minLearningRateRatio: 1.5 })), 'minLearningRateRatio');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, warmupSteps: 9 })), 'warmupSteps');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, gradientClip: 0 })), 'gradientClip');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, adamEpsilon: 0 })), 'adamEpsilon');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, seed: -1 })), 'seed');
    assert.equal(fieldOf(() => planRun(TINY_MODEL, { ...TINY_TRAINING, evalInterval: 0 })), 'evalInterval');
    assert.equal(fieldOf(() => planRun({ ...TINY_MODEL, hiddenSize: 15 }, TINY_TRAINING)), 'model.hiddenSize');
  });
});
