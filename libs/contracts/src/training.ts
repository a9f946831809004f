import { z } from 'zod';
import { finite, id, isoTimestamp, nonNegativeInt, positiveInt, runState, sha256Hex } from './primitives.js';

export const modelConfig = z
  .object({
    hiddenSize: positiveInt,
    layers: positiveInt,
    heads: positiveInt.default(8),
    vocabSize: positiveInt,
    contextLength: positiveInt.default(128),
    ropeTheta: z.number().positive().default(10000),
  })
  .strict()
  .refine((m) => m.hiddenSize % m.heads === 0, { message: 'hiddenSize must be divisible by heads', path: ['heads'] });
export type ModelConfig = z.infer<typeof modelConfig>;

export const trainingConfig = z
  .object({
    tokenBudget: positiveInt,
    batchSize: positiveInt,
    microBatchSize: positiveInt,
    peakLearningRate: z.number().positive(),
    /** Cosine decay ends at peak * this (the paper: 0.5). */
    minLearningRateRatio: z.number().min(0).max(1),
    warmupSteps: nonNegativeInt,
    weightDecay: z.number().min(0),
    /** AdamW's epsilon; absent: the paper's 1e-4 (fine at its 65k-token batches; tiny models on small batches learn faster with less). */
    adamEpsilon: z.number().positive().optional(),
    gradientClip: z.number().positive(),
    seed: z.number().int().nonnegative(),
    evalInterval: positiveInt,
    checkpointInterval: positiveInt,
  })
  .strict()
  .refine((t) => t.batchSize % t.microBatchSize === 0, {
    message: 'batchSize must be a multiple of microBatchSize',
    path: ['microBatchSize'],
  });

export const trainingJob = z
  .object({
    runId: id,
    experimentId: id,
    corpusId: id,
    tokenizerId: id,
    model: modelConfig,
    training: trainingConfig,
  })
  .strict();
export type TrainingJob = z.infer<typeof trainingJob>;

export const metricPoint = z
  .object({
    step: nonNegativeInt,
    tokens: nonNegativeInt,
    flopsKaplan: z.number().nonnegative(),
    flopsHoffmann: z.number().nonnegative().optional(),
    trainLoss: finite.optional(),
    evalLoss: finite.optional(),
    learningRate: z.number().nonnegative().optional(),
    tokensPerSecond: z.number().nonnegative().optional(),
  })
  .strict();
export type MetricPointPayload = z.infer<typeof metricPoint>;

/** Metrics travel in batches: one message per logging interval, not per step. */
export const metricsReported = z
  .object({ runId: id, points: z.array(metricPoint).min(1).max(10_000) })
  .strict()
  .refine((m) => m.points.every((p, i) => i === 0 || p.step > m.points[i - 1]!.step), {
    message: 'points must have strictly increasing steps',
    path: ['points'],
  });
export type MetricsReported = z.infer<typeof metricsReported>;

export const checkpointSaved = z
  .object({
    checkpointId: id,
    runId: id,
    step: nonNegativeInt,
    tokens: nonNegativeInt,
    uri: z.string().min(1),
    sha256: sha256Hex,
  })
  .strict();
export type CheckpointSaved = z.infer<typeof checkpointSaved>;

export const runStateChanged = z
  .object({
    runId: id,
    state: runState,
    reason: z.string().max(10_000).optional(),
    backend: z.string().optional(),
    at: isoTimestamp,
  })
  .strict()
  .refine((r) => r.state !== 'failed' || (r.reason?.length ?? 0) > 0, {
    message: 'a failed run must carry a reason',
    path: ['reason'],
  });
export type RunStateChanged = z.infer<typeof runStateChanged>;

/**
 * Stop a run: queued runs never start, a running one stops at its next step and keeps its
 * checkpoints. Sent as a request: the trainer that acts on it answers with a
 * {@link cancelRunReply}; trainers that cannot (the run is another's, or over) stay silent.
 */
export const cancelRun = z.object({ runId: id, reason: z.string().max(1_000).optional() }).strict();
export type CancelRun = z.infer<typeof cancelRun>;

/** A trainer's answer to cancelRun: the queued run is now cancelled, or the running one is stopping. */
export const cancelRunReply = z.object({ runId: id, outcome: z.enum(['cancelled', 'stopping']) }).strict();
export type CancelRunReply = z.infer<typeof cancelRunReply>;
