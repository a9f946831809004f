import { z } from 'zod';

/** Shared field shapes, so that every payload means the same thing by the same name. */
export const id = z.string().min(1, 'must be a non-empty id').max(200);
export const positiveInt = z.number().int().positive();
export const nonNegativeInt = z.number().int().nonnegative();
export const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const isoTimestamp = z.iso.datetime({ offset: true });
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');
export const corpusVariant = z.enum(['simplified', 'regular']);
export type CorpusVariant = z.infer<typeof corpusVariant>;
export const runState = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type RunState = z.infer<typeof runState>;
export const taskVersion = z.enum(['simplified', 'original']);
export type TaskVersion = z.infer<typeof taskVersion>;
