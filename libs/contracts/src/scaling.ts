import { z } from 'zod';
import { corpusVariant, id, positiveInt } from './primitives.js';

export const fitForm = z.enum(['pure-power', 'power-plus-constant', 'joint-chinchilla']);
export type FitForm = z.infer<typeof fitForm>;

export const fitUpdated = z
  .object({
    fitId: id,
    version: positiveInt,
    form: fitForm,
    variant: corpusVariant,
    /** What the loss was fitted against, e.g. `params`, `tokens`, `compute`. */
    inputs: z.array(z.string().min(1)).min(1),
    parameters: z.record(z.string(), z.number()),
    intervals: z.record(z.string(), z.tuple([z.number(), z.number()])),
    runIds: z.array(id).min(1),
  })
  .strict();
export type FitUpdated = z.infer<typeof fitUpdated>;
