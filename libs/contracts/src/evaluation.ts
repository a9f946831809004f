import { z } from 'zod';
import { id, nonNegativeInt, taskVersion } from './primitives.js';

const unitInterval = z.number().min(0).max(1);

export const evalCompleted = z
  .object({
    checkpointId: id,
    runId: id,
    task: z.string().min(1),
    taskVersion,
    n: nonNegativeInt,
    acc: unitInterval.optional(),
    accNorm: unitInterval.optional(),
    stderr: z.number().nonnegative().optional(),
    /** Accuracy of a uniform guess, and of always giving the most common gold answer. */
    chance: unitInterval.optional(),
    majority: unitInterval.optional(),
    /** Held-out loss evaluations report these instead of accuracy. */
    loss: z.number().nonnegative().optional(),
    bitsPerByte: z.number().nonnegative().optional(),
  })
  .strict()
  .refine((e) => e.acc !== undefined || e.loss !== undefined, {
    message: 'an evaluation reports an accuracy (acc) or a loss',
    path: ['acc'],
  });
export type EvalCompleted = z.infer<typeof evalCompleted>;
