// The training run loop (PAPER.md section 4) on top of @downscale/model: packed token
// datasets with a held-out split, run plans (steps, schedule, checkpoint steps), the
// resumable loop with metrics and checkpoints, and held-out evaluation.
export { DEFAULT_HELD_OUT_FRACTION, DatasetError, TokenDataset, type TokenDatasetOptions, type TokenIds } from './dataset.js';
export { bitsPerByte, heldOutLoss, type HeldOutLossOptions } from './evaluate.js';
export type { MetricPoint } from './metrics.js';
export {
  TrainingConfigError,
  checkpointSteps,
  planRun,
  toModelConfigInput,
  type JobModelConfig,
  type RunPlan,
  type TrainingConfig,
} from './plan.js';
export { trainRun, type CheckpointEvent, type RunOutcome, type RunStatus, type TrainRunOptions } from './run.js';
