/**
 * One optimizer step: gradients summed over micro-batches (token-weighted, so the result
 * is the gradient of the mean loss over all their tokens), clipped by global norm, then
 * an AdamW update at the scheduled learning rate. One device-to-host read per step.
 */
import type { LlamaModel } from './model.js';
import { AdamW, PAPER_ADAMW, type AdamWOptions, type AdamWState } from './optimizer.js';
import { learningRateAt, validateSchedule, type LearningRateSchedule } from './schedule.js';
import { tf } from './tf.js';

/** `batchSize` sequences of `length` tokens, row-major; targets are the next tokens. */
export interface TokenBatch {
  readonly tokens: Int32Array;
  readonly targets: Int32Array;
  readonly batchSize: number;
  readonly length: number;
}

export interface TrainerOptions {
  readonly schedule: LearningRateSchedule;
  readonly adamW?: AdamWOptions;
  /** Global gradient-norm clip (PyTorch's clip_grad_norm_); Infinity disables it. Default 1. */
  readonly maxGradNorm?: number;
}

export interface StepResult {
  /** Steps completed, this one included. */
  readonly step: number;
  /** Mean loss (nats per token) over the step's tokens, before the update. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly learningRate: number;
  readonly tokens: number;
}

/**
 * A batch from packed blocks of length + 1 tokens each: inputs are each block minus its
 * last token, targets each block minus its first.
 */
export function batchFromBlocks(blocks: readonly (ArrayLike<number>)[]): TokenBatch {
  const first = blocks[0];
  if (!first || first.length < 2) throw new Error('batchFromBlocks: need at least one block of 2 or more tokens');
  const length = first.length - 1;
  const tokens = new Int32Array(blocks.length * length);
  const targets = new Int32Array(blocks.length * length);
  blocks.forEach((block, row) => {
    if (block.length !== length + 1) {
      throw new Error(`batchFromBlocks: block ${row} has ${block.length} tokens, expected ${length + 1}`);
    }
    for (let t = 0; t < length; t++) {
      tokens[row * length + t] = block[t] ?? 0;
      targets[row * length + t] = block[t + 1] ?? 0;
    }
  });
  return { tokens, targets, batchSize: blocks.length, length };
}

/** Summed loss and gradients of part of a step, by Hugging Face parameter name; owned by the caller. */
export interface StepGradients {
  /** Token-weighted sum of the micro-batches' mean losses. */
  readonly loss: tf.Scalar;
  readonly gradients: Map<string, tf.Tensor>;
}

/**
 * Gradients of `microBatches` for `model`, each micro-batch weighted by its share of
 * `totalTokens` (the whole step's), so that the parts of a step add up to the gradient of its
 * mean loss wherever they are computed.
 */
export function stepGradients(model: LlamaModel, microBatches: readonly TokenBatch[], totalTokens: number): StepGradients {
  const variables = [...model.parameters.values()];
  const nameOf = new Map([...model.parameters].map(([name, variable]) => [variable.name, name]));
  let accumulated: tf.NamedTensorMap | undefined;
  for (const batch of microBatches) {
    const next = tf.tidy(() => {
      const tokens = tf.tensor2d(batch.tokens, [batch.batchSize, batch.length], 'int32');
      const targets = tf.tensor2d(batch.targets, [batch.batchSize, batch.length], 'int32');
      const weight = batch.tokens.length / totalTokens;
      const { value, grads } = tf.variableGrads(() => tf.mul(model.loss(tokens, targets), weight), variables);
      const sums: tf.NamedTensorMap = { loss: accumulated?.loss ? tf.add(accumulated.loss, value) : value };
      for (const [variableName, gradient] of Object.entries(grads)) {
        const name = nameOf.get(variableName);
        if (!name) throw new Error(`trainer: gradient for unknown variable ${variableName}`);
        const previous = accumulated?.[name];
        sums[name] = previous ? tf.add(previous, gradient) : gradient;
      }
      return sums;
    });
    if (accumulated) tf.dispose(Object.values(accumulated));
    accumulated = next;
  }
  if (!accumulated) throw new Error('trainStep: needs at least one micro-batch');
  const { loss, ...gradients } = accumulated;
  return { loss: loss as tf.Scalar, gradients: new Map(Object.entries(gradients)) };
}

export class Trainer {
  readonly optimizer: AdamW;
  readonly schedule: LearningRateSchedule;
  readonly maxGradNorm: number;

  constructor(
    readonly model: LlamaModel,
    options: TrainerOptions,
  ) {
    this.schedule = validateSchedule(options.schedule);
    this.maxGradNorm = options.maxGradNorm ?? 1;
    if (!(this.maxGradNorm > 0)) throw new Error(`trainer: maxGradNorm must be positive, got ${this.maxGradNorm}`);
    this.optimizer = new AdamW(model.specs, model.parameters, options.adamW ?? PAPER_ADAMW);
  }

  /** Steps completed. */
  get step(): number {
    return this.optimizer.step;
  }

  /** One optimizer step over the given micro-batches (gradient accumulation). */
  trainStep(microBatches: readonly TokenBatch[]): StepResult {
    if (microBatches.length === 0) throw new Error('trainStep: needs at least one micro-batch');
    const totalTokens = microBatches.reduce((sum, batch) => sum + batch.tokens.length, 0);
    return this.applyGradients(stepGradients(this.model, microBatches, totalTokens), totalTokens);
  }

  /**
   * Clips the step's summed gradients by global norm and applies the AdamW update at the
   * scheduled learning rate; disposes `sums`.
   */
  applyGradients(sums: StepGradients, totalTokens: number): StepResult {
    const learningRate = learningRateAt(this.optimizer.step, this.schedule);
    const readout = tf.tidy(() => {
      const gradients = [...sums.gradients];
      const norm = tf.sqrt(tf.addN(gradients.map(([, gradient]) => tf.sum(tf.square(gradient)))));
      // PyTorch's clip_grad_norm_: scale by max / (norm + 1e-6) when that is below 1.
      const scale = tf.minimum(1, tf.div(this.maxGradNorm, tf.add(norm, 1e-6)));
      this.optimizer.apply(new Map(gradients.map(([name, gradient]) => [name, tf.mul(gradient, scale)])), learningRate);
      return tf.stack([sums.loss, norm]);
    });
    tf.dispose([sums.loss, ...sums.gradients.values()]);
    const [loss = Number.NaN, gradNorm = Number.NaN] = readout.dataSync();
    readout.dispose();
    return { step: this.optimizer.step, loss, gradNorm, learningRate, tokens: totalTokens };
  }

  optimizerState(): AdamWState {
    return this.optimizer.state();
  }

  restoreOptimizer(state: AdamWState): void {
    this.optimizer.restore(state);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
