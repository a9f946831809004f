/**
 * The training run loop: builds (or restores) the model and optimizer, runs the planned
 * optimizer steps on the dataset's deterministic stream, evaluates held-out loss, hands
 * out metric points in batches and encoded checkpoints, and stops cleanly on an abort
 * signal. Between steps it yields to the event loop, so a service stays responsive.
 *
 * Resuming is bit-for-bit: a checkpoint holds the weights, both AdamW moments and the step;
 * the learning rate and the data position are pure functions of the step (and the seed),
 * and nothing else in a step is random, so no further RNG state is needed.
 */
import {
  LlamaModel,
  PAPER_ADAMW,
  ParallelTrainer,
  Trainer,
  decodeCheckpoint,
  encodeCheckpoint,
  selectBackend,
  tf,
  type StepResult,
  type TrainingCheckpoint,
} from '@downscale/model';
import type { TokenDataset } from './dataset.js';
import { heldOutLoss } from './evaluate.js';
import { MetricsWindow, type MetricPoint } from './metrics.js';
import type { RunPlan } from './plan.js';

export interface CheckpointEvent {
  readonly step: number;
  readonly tokens: number;
  /** The encoded checkpoint (libs/model's format): weights, optimizer state, step, data position. */
  readonly bytes: Uint8Array;
  /** Held-out loss at this step, when it was measured (at every planned checkpoint). */
  readonly evalLoss?: number;
}

export interface TrainRunOptions {
  readonly plan: RunPlan;
  readonly dataset: TokenDataset;
  /** A TensorFlow.js backend to select first; default: whichever is active. */
  readonly backend?: string;
  /** A checkpoint of this run (decoded or encoded) to continue from. */
  readonly resume?: TrainingCheckpoint | Uint8Array;
  /** Aborting stops the run after the current step, with a checkpoint. */
  readonly signal?: AbortSignal;
  /** Receives metric points in batches, in step order; awaited before training goes on. */
  readonly onMetrics?: (points: MetricPoint[]) => void | Promise<void>;
  /**
   * Data-parallel replicas sharing each step, one per thread (default 1). The result equals a
   * single thread's to float rounding; bit for bit only with the same count, resumes included.
   */
  readonly threads?: number;
  /** Written into every checkpoint beside the run's own keys, e.g. where its tokenizer is. */
  readonly checkpointMetadata?: Readonly<Record<string, string>>;
  /** Receives each checkpoint; awaited before training goes on. */
  readonly onCheckpoint?: (checkpoint: CheckpointEvent) => void | Promise<void>;
  /** A train-loss point every this many steps (plus eval and checkpoint steps). Default 10. */
  readonly metricsInterval?: number;
  /** Pending points are handed out at least this often (and at eval/checkpoint steps). Default 5000 ms. */
  readonly flushIntervalMs?: number;
  /** Held-out blocks scored per evaluation, spread over the split. Default 128. */
  readonly evalBlocks?: number;
}

export type RunStatus = 'completed' | 'stopped' | 'diverged';

export interface RunOutcome {
  readonly status: RunStatus;
  /** Optimizer steps completed (for 'diverged': the last good one). */
  readonly step: number;
  readonly tokens: number;
  /** Held-out loss at the end ('completed' only, when the dataset holds data out). */
  readonly finalEvalLoss?: number;
  /** Why a run diverged: step, last good loss, learning rate, gradient norm. */
  readonly reason?: string;
  /** The TensorFlow.js backend that ran it. */
  readonly backend: string;
}

/** Metadata keys of our checkpoints (values are strings in the safetensors header). */
interface RunMetadata {
  readonly seed: string;
  readonly contextLength: string;
  readonly batchSize: string;
  readonly trainBlocks: string;
  readonly tokens: string;
}

/**
 * Runs `build` in a tensor scope that frees every tensor it made except variables: the
 * model's and the optimizer's initial values (tf.variable(tf.tensor(...))) would otherwise
 * stay alive after the variables are disposed.
 */
function keepingOnlyVariables<T>(build: () => T): T {
  tf.engine().startScope();
  try {
    return build();
  } finally {
    tf.engine().endScope();
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function runMetadata(plan: RunPlan, dataset: TokenDataset, step: number): RunMetadata {
  return {
    seed: String(plan.training.seed),
    contextLength: String(plan.contextLength),
    batchSize: String(plan.training.batchSize),
    trainBlocks: String(dataset.trainBlocks),
    tokens: String(step * plan.tokensPerStep),
  };
}

/** Checks that a checkpoint belongs to this plan and dataset, so the data stream continues. */
function checkResume(checkpoint: TrainingCheckpoint, plan: RunPlan, dataset: TokenDataset): void {
  if (JSON.stringify(checkpoint.config) !== JSON.stringify(plan.model)) {
    throw new Error(`resume: the checkpoint's model ${JSON.stringify(checkpoint.config)} differs from the plan's ${JSON.stringify(plan.model)}`);
  }
  const expected = runMetadata(plan, dataset, checkpoint.optimizer.step);
  for (const key of Object.keys(expected) as (keyof RunMetadata)[]) {
    if (checkpoint.metadata[key] !== expected[key]) {
      throw new Error(
        `resume: the checkpoint's ${key} is ${String(checkpoint.metadata[key])} but this run's is ${expected[key]}; a checkpoint only resumes the run (plan and dataset) that wrote it`,
      );
    }
  }
  if (checkpoint.optimizer.step > plan.totalSteps) {
    throw new Error(`resume: the checkpoint is at step ${checkpoint.optimizer.step}, past the plan's ${plan.totalSteps} steps`);
  }
}

function checkDataset(plan: RunPlan, dataset: TokenDataset): void {
  if (dataset.contextLength !== plan.contextLength) {
    throw new Error(`trainRun: the dataset's contextLength ${dataset.contextLength} differs from the plan's ${plan.contextLength}`);
  }
  if (dataset.trainBlocks < plan.training.batchSize) {
    throw new Error(
      `trainRun: one batch needs ${plan.training.batchSize} blocks but the training split has ${dataset.trainBlocks}; use a larger corpus or a smaller batchSize`,
    );
  }
  const maxId = dataset.maxTokenId();
  if (maxId >= plan.model.vocabSize) {
    throw new Error(`trainRun: the dataset holds token id ${maxId}, outside the model's vocabulary of ${plan.model.vocabSize}`);
  }
}

/** What a divergence report says: where, the offending value, and the last good loss. */
function divergence(step: number, what: string, result: StepResult, lastGoodLoss: number | undefined): string {
  return (
    `training diverged at step ${step}: ${what} (gradient norm ${result.gradNorm}, learning rate ${result.learningRate}, ` +
    `last good train loss ${lastGoodLoss ?? 'none'}); lower peakLearningRate or gradientClip, or lengthen warmupSteps`
  );
}

function allFinite(values: Iterable<Float32Array>): boolean {
  for (const array of values) for (const value of array) if (!Number.isFinite(value)) return false;
  return true;
}

/** Trains a planned run to its end, an abort, or a divergence. */
export async function trainRun(options: TrainRunOptions): Promise<RunOutcome> {
  const { plan, dataset, signal } = options;
  const backend = options.backend ? await selectBackend(options.backend) : tf.getBackend();
  checkDataset(plan, dataset);
  const resume = options.resume instanceof Uint8Array ? decodeCheckpoint(options.resume) : options.resume;
  if (resume) checkResume(resume, plan, dataset);

  const { training } = plan;
  const { model, trainer } = keepingOnlyVariables(() => {
    const model = resume ? LlamaModel.fromValues(resume.config, resume.weights) : LlamaModel.create(plan.model, training.seed);
    const trainerOptions = {
      schedule: plan.schedule,
      adamW: { ...PAPER_ADAMW, weightDecay: training.weightDecay, epsilon: training.adamEpsilon ?? PAPER_ADAMW.epsilon },
      maxGradNorm: training.gradientClip,
    };
    const threads = options.threads ?? 1;
    const trainer = threads > 1 ? new ParallelTrainer(model, trainerOptions, threads, backend) : new Trainer(model, trainerOptions);
    if (resume) trainer.restoreOptimizer(resume.optimizer);
    return { model, trainer };
  });
  try {
    const metrics = new MetricsWindow(plan);
    const metricsInterval = options.metricsInterval ?? 10;
    const flushIntervalMs = options.flushIntervalMs ?? 5000;
    const checkpointAt = new Set(plan.checkpointSteps);
    const evaluate = (): number | undefined => heldOutLoss(model, dataset, { maxBlocks: options.evalBlocks ?? 128, batchSize: training.microBatchSize });
    let lastFlush = Date.now();
    const flush = async (): Promise<void> => {
      const points = metrics.drain();
      lastFlush = Date.now();
      if (points.length > 0) await options.onMetrics?.(points);
    };
    let lastSavedStep = resume?.optimizer.step;
    /** Saves the current state unless it holds a non-finite weight; says whether it did. */
    const save = async (step: number, evalLoss: number | undefined): Promise<boolean> => {
      const weights = model.values();
      if (!allFinite(weights.values())) return false;
      const bytes = encodeCheckpoint({
        config: model.config,
        weights,
        optimizer: trainer.optimizerState(),
        metadata: { ...options.checkpointMetadata, ...runMetadata(plan, dataset, step) },
      });
      lastSavedStep = step;
      await options.onCheckpoint?.({ step, tokens: step * plan.tokensPerStep, bytes, ...(evalLoss === undefined ? {} : { evalLoss }) });
      return true;
    };
    const diverged = async (step: number, reason: string): Promise<RunOutcome> => {
      await flush();
      return { status: 'diverged', step, tokens: step * plan.tokensPerStep, reason, backend };
    };

    let step = trainer.step;
    let evalLoss: number | undefined;
    let lastGoodLoss: number | undefined;
    let last: StepResult | undefined;
    if (step === 0) {
      // The loss at initialisation anchors the curves (about ln V).
      evalLoss = evaluate();
      metrics.recordPoint(0, evalLoss);
    }
    while (step < plan.totalSteps) {
      if (signal?.aborted) {
        await flush();
        if (lastSavedStep !== step && !(await save(step, undefined)) && last) {
          return diverged(step - 1, divergence(step, 'a weight is not finite', last, lastGoodLoss));
        }
        return { status: 'stopped', step, tokens: step * plan.tokensPerStep, backend };
      }
      const batches = dataset.trainBatch(step, training.microBatchSize, training.batchSize);
      const started = performance.now();
      const result = await trainer.trainStep(batches);
      const seconds = (performance.now() - started) / 1000;
      // The loss is measured before the update, so a bad update shows in the next step's
      // loss, the eval loss, or the weights a checkpoint would hold: none of those is saved.
      if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradNorm)) {
        return diverged(step, divergence(result.step, `train loss ${result.loss}`, result, lastGoodLoss));
      }
      step = result.step;
      last = result;
      lastGoodLoss = result.loss;
      metrics.addStep(result, seconds);
      const atCheckpoint = checkpointAt.has(step);
      const atEval = atCheckpoint || step % training.evalInterval === 0 || step === plan.totalSteps;
      evalLoss = atEval ? evaluate() : undefined;
      if (evalLoss !== undefined && !Number.isFinite(evalLoss)) {
        return diverged(step - 1, divergence(step, `held-out loss ${evalLoss}`, result, lastGoodLoss));
      }
      if (atEval || step % metricsInterval === 0) metrics.recordPoint(step, evalLoss);
      if (atEval || Date.now() - lastFlush >= flushIntervalMs) await flush();
      if (atCheckpoint && !(await save(step, evalLoss))) {
        return diverged(step - 1, divergence(step, 'a weight is not finite', result, lastGoodLoss));
      }
      await yieldToEventLoop();
    }
    await flush();
    const finalEvalLoss = evalLoss ?? evaluate();
    return { status: 'completed', step, tokens: step * plan.tokensPerStep, ...(finalEvalLoss === undefined ? {} : { finalEvalLoss }), backend };
  } finally {
    await trainer.dispose();
    model.dispose();
  }
}
