import { z } from 'zod';

/** The evaluator's own settings (README: apps/evaluator), read from the environment. */
export interface EvaluatorSettings {
  /** Items scored per task version (the first ones): keeps evaluation quick on CPU. */
  readonly maxItems: number;
  /** UTF-8 bytes of held-out book paragraphs scored for eval loss and bits per byte. */
  readonly heldOutBytes: number;
  /** Padded tokens per forward pass. */
  readonly batchTokens: number;
}

const positive = (fallback: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').default(fallback);

const environment = z.object({
  EVAL_MAX_ITEMS: positive(200),
  EVAL_HELD_OUT_BYTES: positive(64 * 1024),
  EVAL_BATCH_TOKENS: positive(512),
});

/** Reads the settings, naming every bad variable at once. */
export function loadEvaluatorSettings(env: NodeJS.ProcessEnv = process.env): EvaluatorSettings {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`);
    throw new Error(`invalid evaluator settings:\n  ${problems.join('\n  ')}\nFix these environment variables and start again (apps/evaluator/README.md).`);
  }
  return { maxItems: parsed.data.EVAL_MAX_ITEMS, heldOutBytes: parsed.data.EVAL_HELD_OUT_BYTES, batchTokens: parsed.data.EVAL_BATCH_TOKENS };
}
