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
  })
  .strict();
export type ExperimentSpec = z.infer<typeof experimentSpec>;

export const experimentCreated = z
  .object({ experimentId: id, spec: experimentSpec, createdAt: isoTimestamp })
  .strict();
export type ExperimentCreated = z.infer<typeof experimentCreated>;
