/**
 * Model configuration (PAPER.md section 3): a LLaMA-style decoder with RMSNorm, rotary
 * position embeddings, a SwiGLU MLP of intermediate size 4h, no biases and untied
 * input/output embeddings. {@link resolveModelConfig} fills the defaults and rejects
 * invalid values with an error that names the field.
 */

export interface ModelConfig {
  /** Hidden size h (the residual stream width). */
  readonly hiddenSize: number;
  /** Number of transformer blocks. */
  readonly numLayers: number;
  /** Attention heads; h must be divisible by it and the head size must be even (RoPE). */
  readonly numHeads: number;
  readonly vocabSize: number;
  /** Training context length in tokens. */
  readonly contextLength: number;
  /** SwiGLU intermediate size (4h by default). */
  readonly intermediateSize: number;
  /** RoPE base. */
  readonly ropeTheta: number;
  /**
   * Linear position interpolation: positions are divided by this factor (1 = none), so a
   * model trained at context T evaluates at factor * T (PAPER.md section 4 uses 8).
   */
  readonly ropeScalingFactor: number;
  readonly rmsNormEps: number;
}

/** What a caller must give; every other field has a default. */
export type ModelConfigInput = Pick<ModelConfig, 'hiddenSize' | 'numLayers' | 'vocabSize'> &
  Partial<Omit<ModelConfig, 'hiddenSize' | 'numLayers' | 'vocabSize'>>;

export const DEFAULT_NUM_HEADS = 8;
export const DEFAULT_CONTEXT_LENGTH = 128;
export const DEFAULT_ROPE_THETA = 10_000;
/** Hugging Face LlamaConfig's default. */
export const DEFAULT_RMS_NORM_EPS = 1e-6;

/** An invalid model configuration; `field` names the offending field. */
export class ModelConfigError extends Error {
  constructor(
    readonly field: keyof ModelConfig,
    message: string,
  ) {
    super(`invalid model config: ${field} ${message}`);
    this.name = 'ModelConfigError';
  }
}

function requirePositiveInteger(config: ModelConfig, field: keyof ModelConfig): void {
  const value = config[field];
  if (!Number.isInteger(value) || value <= 0) {
    throw new ModelConfigError(field, `must be a positive integer, got ${String(value)}`);
  }
}

function requirePositiveFinite(config: ModelConfig, field: keyof ModelConfig): void {
  const value = config[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ModelConfigError(field, `must be a positive finite number, got ${String(value)}`);
  }
}

/** Fills defaults and validates; throws {@link ModelConfigError} naming the first bad field. */
export function resolveModelConfig(input: ModelConfigInput): ModelConfig {
  const config: ModelConfig = {
    hiddenSize: input.hiddenSize,
    numLayers: input.numLayers,
    numHeads: input.numHeads ?? DEFAULT_NUM_HEADS,
    vocabSize: input.vocabSize,
    contextLength: input.contextLength ?? DEFAULT_CONTEXT_LENGTH,
    intermediateSize: input.intermediateSize ?? 4 * input.hiddenSize,
    ropeTheta: input.ropeTheta ?? DEFAULT_ROPE_THETA,
    ropeScalingFactor: input.ropeScalingFactor ?? 1,
    rmsNormEps: input.rmsNormEps ?? DEFAULT_RMS_NORM_EPS,
  };
  for (const field of ['hiddenSize', 'numLayers', 'numHeads', 'vocabSize', 'contextLength', 'intermediateSize'] as const) {
    requirePositiveInteger(config, field);
  }
  for (const field of ['ropeTheta', 'ropeScalingFactor', 'rmsNormEps'] as const) {
    requirePositiveFinite(config, field);
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new ModelConfigError(
      'hiddenSize',
      `(${config.hiddenSize}) must be divisible by numHeads (${config.numHeads})`,
    );
  }
  if ((config.hiddenSize / config.numHeads) % 2 !== 0) {
    throw new ModelConfigError(
      'numHeads',
      `(${config.numHeads}) must leave an even head size for rotary embeddings (hiddenSize / numHeads = ${config.hiddenSize / config.numHeads})`,
    );
  }
  return config;
}

/** Size of one attention head. */
export function headSize(config: ModelConfig): number {
  return config.hiddenSize / config.numHeads;
}
