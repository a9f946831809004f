import { z } from 'zod';
import { corpusVariant, id, positiveInt } from './primitives.js';

export const fitForm = z.enum(['pure-power', 'power-plus-constant', 'joint-chinchilla']);
export type FitForm = z.infer<typeof fitForm>;

/** Scale variables loss is fitted against: non-embedding and total parameters, tokens, FLOPs. */
export const fitInput = z.enum(['params', 'paramsTotal', 'tokens', 'compute']);
export type FitInput = z.infer<typeof fitInput>;

export const fitUpdated = z
  .object({
    fitId: id,
    version: positiveInt,
    form: fitForm,
    variant: corpusVariant,
    /** What the loss was fitted against: one input, or `params` and `tokens` for the joint law. */
    inputs: z.array(fitInput).min(1),
    parameters: z.record(z.string(), z.number()),
    /** 95% bootstrap intervals; a bound is null where the bootstrap found it unbounded (it overflowed). */
    intervals: z.record(z.string(), z.tuple([z.number().nullable(), z.number().nullable()])),
    runIds: z.array(id).min(1),
  })
  .strict();
export type FitUpdated = z.infer<typeof fitUpdated>;

/** Asks the scaling service to refit an experiment now; the outcome follows on progressSubjects.refit(requestId). */
export const fitRequested = z.object({ experimentId: id, requestId: id }).strict();
export type FitRequested = z.infer<typeof fitRequested>;

/** What a requested refit did: fits stored as new versions, fits whose inputs had not changed, and why others were not fitted. */
export const refitOutcome = z
  .object({
    experimentId: id,
    stored: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    skipped: z.array(z.string()),
    error: z.string().optional(),
  })
  .strict();
export type RefitOutcome = z.infer<typeof refitOutcome>;
