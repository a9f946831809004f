import { parseServiceSettings } from '@downscale/service-kit';
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
  const settings = parseServiceSettings('evaluator settings', environment, env, { docs: 'apps/evaluator/README.md' });
  return { maxItems: settings.EVAL_MAX_ITEMS, heldOutBytes: settings.EVAL_HELD_OUT_BYTES, batchTokens: settings.EVAL_BATCH_TOKENS };
}
