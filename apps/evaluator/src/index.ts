export { CheckpointEvaluator, HELD_OUT_TASK } from './checkpoint-evaluator.js';
export { evaluatorModule } from './evaluator.module.js';
export { loadEvaluatorSettings, type EvaluatorSettings } from './settings.js';
