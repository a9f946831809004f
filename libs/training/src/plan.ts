/**
 * A run plan: the validated model and training configuration turned into step counts, the
 * learning-rate schedule (linear warmup, cosine decay to minLearningRateRatio * peak,
 * PAPER.md section 4), FLOPs per token and the checkpoint steps. Invalid values fail here,
 * before any work, with an error naming the field.
 */
import {
  ModelConfigError,
  countParameters,
  flopsPerToken,
  resolveModelConfig,
  type LearningRateSchedule,
  type ModelConfig,
  type ModelConfigInput,
} from '@downscale/model';

/** The training hyper-parameters of a run (the contracts' `trainingConfig`). */
export interface TrainingConfig {
  /** Tokens to train on; steps = ceil(tokenBudget / (batchSize * contextLength)). */
  readonly tokenBudget: number;
  /** Sequences per optimizer step. */
  readonly batchSize: number;
  /** Sequences per forward/backward pass; gradients accumulate up to batchSize. */
  readonly microBatchSize: number;
  readonly peakLearningRate: number;
  /** The cosine decay ends at peakLearningRate * this (paper: 0.5). */
  readonly minLearningRateRatio: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  /** AdamW's epsilon; default the paper's 1e-4. */
  readonly adamEpsilon?: number;
  /** Global gradient-norm clip. */
  readonly gradientClip: number;
  /** Seeds the initial weights and the data order. */
  readonly seed: number;
  /** Held-out loss every this many steps (and at checkpoints and the end). */
  readonly evalInterval: number;
  /** Checkpoint every this many steps, after log-spaced early ones (1, 2, 4, ...). */
  readonly checkpointInterval: number;
}

/** The model as a training job names it (the contracts' `modelConfig`). */
export interface JobModelConfig {
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads?: number;
  readonly vocabSize: number;
  readonly contextLength?: number;
  readonly ropeTheta?: number;
}

export interface RunPlan {
  readonly model: ModelConfig;
  readonly training: TrainingConfig;
  /** Tokens per training sequence. */
  readonly contextLength: number;
  readonly tokensPerStep: number;
  readonly microBatchesPerStep: number;
  readonly totalSteps: number;
  readonly schedule: LearningRateSchedule;
  /** Steps after which a checkpoint is saved, ascending, the last one included. */
  readonly checkpointSteps: readonly number[];
  readonly nonEmbeddingParams: number;
  /** Training FLOPs per token: Kaplan (6 N) and the detailed per-component count. */
  readonly flopsPerToken: { readonly kaplan: number; readonly detailed: number };
}

/** An invalid run configuration; `field` names the offending field. */
export class TrainingConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`invalid training config: ${field} ${message}`);
    this.name = 'TrainingConfigError';
  }
}

const POSITIVE_INTEGERS = ['tokenBudget', 'batchSize', 'microBatchSize', 'evalInterval', 'checkpointInterval'] as const;

function validateTraining(training: TrainingConfig): void {
  for (const field of POSITIVE_INTEGERS) {
    const value = training[field];
    if (!Number.isSafeInteger(value) || value <= 0) throw new TrainingConfigError(field, `must be a positive integer, got ${value}`);
  }
  if (training.batchSize % training.microBatchSize !== 0) {
    throw new TrainingConfigError('microBatchSize', `(${training.microBatchSize}) must divide batchSize (${training.batchSize})`);
  }
  if (!(Number.isFinite(training.peakLearningRate) && training.peakLearningRate > 0)) {
    throw new TrainingConfigError('peakLearningRate', `must be a positive number, got ${training.peakLearningRate}`);
  }
  if (!(training.minLearningRateRatio >= 0 && training.minLearningRateRatio <= 1)) {
    throw new TrainingConfigError('minLearningRateRatio', `must be in [0, 1], got ${training.minLearningRateRatio}`);
  }
  if (!Number.isSafeInteger(training.warmupSteps) || training.warmupSteps < 0) {
    throw new TrainingConfigError('warmupSteps', `must be a non-negative integer, got ${training.warmupSteps}`);
  }
  if (training.adamEpsilon !== undefined && !(Number.isFinite(training.adamEpsilon) && training.adamEpsilon > 0)) {
    throw new TrainingConfigError('adamEpsilon', `must be a positive number, got ${training.adamEpsilon}`);
  }
  if (!(Number.isFinite(training.weightDecay) && training.weightDecay >= 0)) {
    throw new TrainingConfigError('weightDecay', `must be a non-negative number, got ${training.weightDecay}`);
  }
  if (!(training.gradientClip > 0)) throw new TrainingConfigError('gradientClip', `must be positive, got ${training.gradientClip}`);
  if (!Number.isInteger(training.seed) || training.seed < 0 || training.seed >= 2 ** 32) {
    throw new TrainingConfigError('seed', `must be an integer in [0, 2^32), got ${training.seed}`);
  }
}

/** Accepts the model library's input or a training job's model (layers, heads). */
export function toModelConfigInput(model: ModelConfigInput | JobModelConfig): ModelConfigInput {
  if (!('layers' in model)) return model;
  const { layers, heads, ...rest } = model;
  return { ...rest, numLayers: layers, ...(heads === undefined ? {} : { numHeads: heads }) };
}

/**
 * Log-spaced checkpoints early (powers of two below the interval, from interval/16 on), then
 * every `interval` steps, and always the final step. Four octaves show the early curve; the
 * first few steps, all near the untrained loss, would only cost evaluations.
 */
export function checkpointSteps(totalSteps: number, interval: number): number[] {
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 1) throw new TrainingConfigError('totalSteps', `must be a positive integer, got ${totalSteps}`);
  if (!Number.isSafeInteger(interval) || interval < 1) throw new TrainingConfigError('checkpointInterval', `must be a positive integer, got ${interval}`);
  const steps: number[] = [];
  const first = 2 ** Math.ceil(Math.log2(Math.max(1, interval / 16)));
  for (let step = first; step < interval && step < totalSteps; step *= 2) steps.push(step);
  for (let step = interval; step < totalSteps; step += interval) steps.push(step);
  steps.push(totalSteps);
  return steps;
}

/**
 * Plans a run. `contextLength` (default: the model's) is the training sequence length and
 * may not exceed the model's context.
 */
export function planRun(modelInput: ModelConfigInput | JobModelConfig, training: TrainingConfig, contextLength?: number): RunPlan {
  let model: ModelConfig;
  try {
    model = resolveModelConfig(toModelConfigInput(modelInput));
  } catch (error) {
    if (error instanceof ModelConfigError) throw new TrainingConfigError(`model.${error.field}`, error.message);
    throw error;
  }
  validateTraining(training);
  const context = contextLength ?? model.contextLength;
  if (!Number.isInteger(context) || context < 1 || context > model.contextLength) {
    throw new TrainingConfigError('contextLength', `must be an integer in [1, model contextLength = ${model.contextLength}], got ${context}`);
  }
  const tokensPerStep = training.batchSize * context;
  const totalSteps = Math.ceil(training.tokenBudget / tokensPerStep);
  if (training.warmupSteps > totalSteps) {
    throw new TrainingConfigError(
      'warmupSteps',
      `(${training.warmupSteps}) exceeds the run's ${totalSteps} steps (tokenBudget ${training.tokenBudget} / ${tokensPerStep} tokens per step); lower it or raise tokenBudget`,
    );
  }
  const flops = flopsPerToken(model, context);
  return {
    model,
    training,
    contextLength: context,
    tokensPerStep,
    microBatchesPerStep: training.batchSize / training.microBatchSize,
    totalSteps,
    schedule: {
      peakLearningRate: training.peakLearningRate,
      warmupSteps: training.warmupSteps,
      totalSteps,
      finalFraction: training.minLearningRateRatio,
    },
    checkpointSteps: checkpointSteps(totalSteps, training.checkpointInterval),
    nonEmbeddingParams: countParameters(model).nonEmbedding,
    flopsPerToken: { kaplan: flops.kaplan, detailed: flops.detailed },
  };
}
