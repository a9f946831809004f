// LLaMA-style causal LM in TensorFlow.js (PAPER.md sections 3-4): configuration, parameter
// and FLOP accounting, the model, AdamW training steps, checkpoints, Hugging Face I/O and
// backend selection.
export { countParameters, flopsPerToken, type FlopsPerToken, type ForwardFlopsPerToken, type ParameterCount } from './accounting.js';
export { BACKEND_ENV, BACKEND_PREFERENCE, selectBackend, type BackendName } from './backend.js';
export { BLAS_ENV, backendLabel, blasStatus, systemBlas, type Blas } from './blas.js';
export { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint, weightsCheckpoint, type TrainingCheckpoint } from './checkpoint.js';
export {
  DEFAULT_CONTEXT_LENGTH,
  DEFAULT_NUM_HEADS,
  DEFAULT_RMS_NORM_EPS,
  DEFAULT_ROPE_THETA,
  ModelConfigError,
  headSize,
  resolveModelConfig,
  type ModelConfig,
  type ModelConfigInput,
} from './config.js';
export {
  exportHuggingFace,
  fromHfConfig,
  importHuggingFace,
  readHuggingFaceDir,
  toHfConfig,
  writeHuggingFaceDir,
  type HfLlamaConfig,
  type SpecialTokenIds,
} from './huggingface.js';
export { LlamaModel, type ContinuationRequest, type ContinuationScore, type ModelOptions } from './model.js';
export { crossEntropy, defaultEmbeddingGradient, embeddingLookup, matMul, rmsNorm, silu, softmax, applyRotary, rotaryTables, type EmbeddingGradient } from './ops.js';
export { AdamW, PAPER_ADAMW, type AdamWOptions, type AdamWState } from './optimizer.js';
export { INIT_STD, initialParameterValues, parameterSpecs, type ParameterSpec } from './parameters.js';
export { Rng, type RngState } from './rng.js';
export { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsFile } from './safetensors.js';
export { ScheduleError, learningRateAt, validateSchedule, type LearningRateSchedule } from './schedule.js';
export { ParallelTrainer, splitMicroBatches } from './parallel-trainer.js';
export { tf } from './tf.js';
export {
  Trainer,
  batchFromBlocks,
  type StepResult,
  type TokenBatch,
  type TrainerOptions,
} from './trainer.js';
