/**
 * Training checkpoints: weights, AdamW state (step and both moments), a seeded RNG's state
 * and caller metadata (e.g. the data position) in one safetensors file, so that a resumed
 * run continues bit-for-bit. Tensors are stored in the internal layout ([in, out] linear
 * weights) under `weight/`, `adam_m/` and `adam_v/` prefixes; the rest is JSON metadata.
 */
import { resolveModelConfig, type ModelConfig } from './config.js';
import type { AdamWState } from './optimizer.js';
import { parameterSpecs } from './parameters.js';
import type { RngState } from './rng.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'downscale-checkpoint/1';

export interface TrainingCheckpoint {
  readonly config: ModelConfig;
  readonly weights: Map<string, Float32Array>;
  readonly optimizer: AdamWState;
  readonly rng?: RngState;
  /** Anything else the training loop needs to resume (data position, tokens seen...). */
  readonly metadata: Record<string, string>;
}

/**
 * A checkpoint of weights alone, e.g. of an imported model: the optimizer starts afresh
 * (step 0, zero moments), as AdamW's state does before its first step.
 */
export function weightsCheckpoint(config: ModelConfig, weights: Map<string, Float32Array>, metadata: Record<string, string> = {}): TrainingCheckpoint {
  const zeros = (): Map<string, Float32Array> => new Map([...weights].map(([name, values]) => [name, new Float32Array(values.length)]));
  return { config, weights, optimizer: { step: 0, firstMoments: zeros(), secondMoments: zeros() }, metadata };
}

const PREFIXES = { weight: 'weight/', first: 'adam_m/', second: 'adam_v/' } as const;

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const tensors = new Map<string, NamedTensor>();
  const add = (prefix: string, values: ReadonlyMap<string, Float32Array>, name: string, shape: readonly number[]): void => {
    const data = values.get(name);
    if (!data) throw new Error(`checkpoint: missing ${prefix}${name}`);
    tensors.set(prefix + name, { shape, data });
  };
  for (const spec of parameterSpecs(checkpoint.config)) {
    add(PREFIXES.weight, checkpoint.weights, spec.name, spec.shape);
    add(PREFIXES.first, checkpoint.optimizer.firstMoments, spec.name, spec.shape);
    add(PREFIXES.second, checkpoint.optimizer.secondMoments, spec.name, spec.shape);
  }
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(checkpoint.config),
    step: String(checkpoint.optimizer.step),
    ...(checkpoint.rng ? { rng: JSON.stringify(checkpoint.rng) } : {}),
    metadata: JSON.stringify(checkpoint.metadata),
  });
}

export function decodeCheckpoint(bytes: Uint8Array): TrainingCheckpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(`checkpoint: format is ${String(metadata.format)}, expected ${CHECKPOINT_FORMAT}`);
  }
  const config = resolveModelConfig(JSON.parse(metadata.config ?? 'null') as ModelConfig);
  const take = (prefix: string): Map<string, Float32Array> => {
    const out = new Map<string, Float32Array>();
    for (const spec of parameterSpecs(config)) {
      const tensor = tensors.get(prefix + spec.name);
      if (!tensor) throw new Error(`checkpoint: missing tensor ${prefix}${spec.name}`);
      out.set(spec.name, tensor.data);
    }
    return out;
  };
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new Error(`checkpoint: step "${metadata.step}" is not a non-negative integer`);
  return {
    config,
    weights: take(PREFIXES.weight),
    optimizer: { step, firstMoments: take(PREFIXES.first), secondMoments: take(PREFIXES.second) },
    ...(metadata.rng ? { rng: JSON.parse(metadata.rng) as RngState } : {}),
    metadata: JSON.parse(metadata.metadata ?? '{}') as Record<string, string>,
  };
}
