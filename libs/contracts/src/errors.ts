import { z } from 'zod';
import { isoTimestamp, nonNegativeInt } from './primitives.js';

export const serviceError = z
  .object({
    service: z.string().min(1),
    message: z.string().min(1),
    subject: z.string().optional(),
    eventId: z.string().optional(),
    at: isoTimestamp,
  })
  .strict();
export type ServiceError = z.infer<typeof serviceError>;

/** What a dead-letter message carries: the original bytes and why they were refused. */
export const deadLetter = z
  .object({
    originalSubject: z.string().min(1),
    consumer: z.string().min(1),
    reason: z.string().min(1),
    deliveries: nonNegativeInt,
    /** The original message body, base64, so that nothing accepted is lost. */
    dataBase64: z.string(),
    at: isoTimestamp,
  })
  .strict();
export type DeadLetter = z.infer<typeof deadLetter>;
