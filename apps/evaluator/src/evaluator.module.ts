import { Module, type Type } from '@nestjs/common';
import { CheckpointEvaluator, EVALUATOR_SETTINGS } from './checkpoint-evaluator.js';
import type { EvaluatorSettings } from './settings.js';

/**
 * The evaluator service's own providers, with its settings: scores every saved checkpoint.
 * Health, metrics, ping and the shared NATS and database resources come from the service kit.
 */
export function evaluatorModule(settings: EvaluatorSettings): Type<unknown> {
  @Module({ providers: [{ provide: EVALUATOR_SETTINGS, useValue: settings }, CheckpointEvaluator] })
  class EvaluatorModule {}
  return EvaluatorModule;
}
