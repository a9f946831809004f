import { z } from 'zod';
import { corpusVariant, id, isoTimestamp, positiveInt } from './primitives.js';

export const presetName = z.enum(['demo', 'paper', 'custom']);

export const modelGrid = z
  .object({
    hiddenSizes: z.array(positiveInt).min(1),
    layers: z.array(positiveInt).min(1),
    variants: z.array(corpusVariant).min(1),
    seeds: z.array(z.number().int().nonnegative()).min(1),
  })
  .strict();

/** The optimisation settings of an experiment's runs (steps are derived per run from the budget). */
export const experimentTraining = z
  .object({
    /** Sequences per optimizer step (paper: 512). */
    batchSize: positiveInt,
    /** Sequences per forward/backward pass; gradients accumulate up to batchSize. */
    microBatchSize: positiveInt,
    peakLearningRate: z.number().positive(),
    minLearningRateRatio: z.number().min(0).max(1),
    /** Share of each run's steps spent warming up (paper: 1,000 of about 32,500). */
    warmupFraction: z.number().min(0).max(1),
    weightDecay: z.number().min(0),
    /** AdamW's epsilon; absent: the paper's 1e-4. */
    adamEpsilon: z.number().positive().optional(),
    gradientClip: z.number().positive(),
    /** Held-out loss and checkpoints this many times per run (plus log-spaced early checkpoints). */
    evaluations: positiveInt,
    checkpoints: positiveInt,
  })
  .strict()
  .refine((t) => t.batchSize % t.microBatchSize === 0, { message: 'batchSize must be a multiple of microBatchSize', path: ['microBatchSize'] });
export type ExperimentTraining = z.infer<typeof experimentTraining>;

export const experimentSpec = z
  .object({
    name: z.string().min(1).max(200),
    preset: presetName,
    corpus: z
      .object({
        /** `bundled` or a path/glob the corpus service can read. */
        source: z.string().min(1),
        /** `default` (the project's proxy vocabulary) or a path to a vocabulary file. */
        vocabulary: z.string().min(1),
      })
      .strict(),
    grid: modelGrid,
    tokenBudget: positiveInt,
    contextLength: positiveInt.default(128),
    tasks: z.array(z.string().min(1)),
    /** BPE vocabulary of each corpus's tokenizer (paper: 15,000). */
    tokenizerVocabSize: positiveInt.default(15_000),
    /** Optimisation settings shared by every run; the preset's where absent. */
    training: experimentTraining.optional(),
  })
  .strict();
export type ExperimentSpec = z.infer<typeof experimentSpec>;

export const experimentCreated = z
  .object({ experimentId: id, spec: experimentSpec, createdAt: isoTimestamp })
  .strict();
export type ExperimentCreated = z.infer<typeof experimentCreated>;

/**
 * Tasks were added to a stored experiment (its spec's `tasks` now lists `tasks`): evaluators
 * score the experiment's existing checkpoints on the task versions they lack.
 */
export const experimentTasksChanged = z
  .object({ experimentId: id, tasks: z.array(z.string().min(1)).min(1) })
  .strict();
export type ExperimentTasksChanged = z.infer<typeof experimentTasksChanged>;
