// Fixtures shared by this library's tests (not exported from index.ts).
import { Rng, type ModelConfigInput } from '@downscale/model';
import type { TrainingConfig } from './plan.js';

/** h=16, 2 layers, 2 heads, vocabulary 60, context 8: trains in milliseconds per step. */
export const TINY_MODEL: ModelConfigInput = { hiddenSize: 16, numLayers: 2, numHeads: 2, vocabSize: 60, contextLength: 8 };

/** 8 steps of 4 sequences (2 micro-batches of 2) at context 8. */
export const TINY_TRAINING: TrainingConfig = {
  tokenBudget: 8 * 4 * 8,
  batchSize: 4,
  microBatchSize: 2,
  peakLearningRate: 1e-2,
  minLearningRateRatio: 0.5,
  warmupSteps: 2,
  weightDecay: 0.1,
  gradientClip: 1,
  seed: 1,
  evalInterval: 3,
  checkpointInterval: 4,
};

/** A learnable corpus: a fixed cycle of ids with every 7th token drawn at random. */
export function syntheticIds(count: number, vocab: number, seed: number): Int32Array {
  const rng = Rng.fromSeed(seed);
  return Int32Array.from({ length: count }, (_, i) => (i % 7 === 0 ? rng.nextInt(vocab) : (i * 13) % vocab));
}
