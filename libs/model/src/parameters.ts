/**
 * The model's parameters: Hugging Face LLaMA names, shapes and which ones weight decay
 * applies to. Linear weights are held as [in, out] (so that the forward pass is x @ W
 * with no transpose); PyTorch's nn.Linear stores [out, in], so they are transposed on
 * export ({@link ParameterSpec.linear}).
 */
import type { ModelConfig } from './config.js';
import { Rng } from './rng.js';

export interface ParameterSpec {
  /** Hugging Face LLaMA parameter name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  /** Shape as held here ([in, out] for linear weights). */
  readonly shape: readonly number[];
  /** A linear layer's weight, stored transposed relative to PyTorch. */
  readonly linear: boolean;
  /** AdamW weight decay applies: the linear matrices, not the norms or the input embedding. */
  readonly decay: boolean;
  readonly init: 'normal' | 'ones';
}

/** HF LlamaConfig's initializer_range: every matrix starts as N(0, 0.02^2). */
export const INIT_STD = 0.02;

/** Every parameter in a fixed order (the order of initialisation and of checkpoints). */
export function parameterSpecs(config: ModelConfig): ParameterSpec[] {
  const h = config.hiddenSize;
  const i = config.intermediateSize;
  const linear = (name: string, inputs: number, outputs: number): ParameterSpec => ({
    name,
    shape: [inputs, outputs],
    linear: true,
    decay: true,
    init: 'normal',
  });
  const norm = (name: string): ParameterSpec => ({ name, shape: [h], linear: false, decay: false, init: 'ones' });
  const specs: ParameterSpec[] = [
    { name: 'model.embed_tokens.weight', shape: [config.vocabSize, h], linear: false, decay: false, init: 'normal' },
  ];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const prefix = `model.layers.${layer}`;
    specs.push(
      norm(`${prefix}.input_layernorm.weight`),
      linear(`${prefix}.self_attn.q_proj.weight`, h, h),
      linear(`${prefix}.self_attn.k_proj.weight`, h, h),
      linear(`${prefix}.self_attn.v_proj.weight`, h, h),
      linear(`${prefix}.self_attn.o_proj.weight`, h, h),
      norm(`${prefix}.post_attention_layernorm.weight`),
      linear(`${prefix}.mlp.gate_proj.weight`, h, i),
      linear(`${prefix}.mlp.up_proj.weight`, h, i),
      linear(`${prefix}.mlp.down_proj.weight`, i, h),
    );
  }
  specs.push(norm('model.norm.weight'), linear('lm_head.weight', h, config.vocabSize));
  return specs;
}

/** Deterministic initial values for every parameter, drawn in spec order from one seeded stream. */
export function initialParameterValues(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const rng = Rng.fromSeed(seed);
  const values = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(config)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.init === 'ones') data.fill(1);
    else for (let k = 0; k < data.length; k++) data[k] = INIT_STD * rng.nextNormal();
    values.set(spec.name, data);
  }
  return values;
}
