import { z } from 'zod';
import { serviceNames } from './subjects.js';

export const pingReply = z
  .object({
    service: z.enum(serviceNames),
    version: z.string(),
    pid: z.number().int(),
    uptimeSeconds: z.number().nonnegative(),
  })
  .strict();
export type PingReply = z.infer<typeof pingReply>;

export const healthCheck = z.object({ ok: z.boolean(), detail: z.string() }).strict();
export const healthReport = z
  .object({
    service: z.string(),
    status: z.enum(['ok', 'degraded']),
    checks: z.record(z.string(), healthCheck),
  })
  .strict();
export type HealthReport = z.infer<typeof healthReport>;
