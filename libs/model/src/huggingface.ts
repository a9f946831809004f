/**
 * Export to and import from the Hugging Face LLaMA layout: `config.json`
 * (LlamaForCausalLM) and `model.safetensors` with the standard parameter names and
 * PyTorch shapes (nn.Linear weights [out, in], so ours are transposed). Our rotary
 * embedding already uses HF's rotate-half convention, so q/k need no permutation.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { resolveModelConfig, type ModelConfig } from './config.js';
import { LlamaModel } from './model.js';
import { parameterSpecs } from './parameters.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';

/** The subset of transformers' LlamaConfig that we write and read. */
export interface HfLlamaConfig {
  readonly architectures: readonly string[];
  readonly model_type: 'llama';
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_attention_heads: number;
  readonly num_key_value_heads: number;
  readonly num_hidden_layers: number;
  readonly vocab_size: number;
  readonly max_position_embeddings: number;
  readonly rms_norm_eps: number;
  readonly rope_theta: number;
  readonly rope_scaling: { readonly rope_type: 'linear'; readonly type: 'linear'; readonly factor: number } | null;
  readonly hidden_act: 'silu';
  readonly tie_word_embeddings: false;
  readonly attention_bias: false;
  readonly mlp_bias: false;
  readonly initializer_range: number;
  readonly torch_dtype: 'float32';
  readonly bos_token_id?: number;
  readonly eos_token_id?: number;
  readonly pad_token_id?: number;
}

export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
}

const HF_ARCHITECTURE = 'LlamaForCausalLM';

export function toHfConfig(config: ModelConfig, specialTokens: SpecialTokenIds = {}): HfLlamaConfig {
  return {
    architectures: [HF_ARCHITECTURE],
    model_type: 'llama',
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numHeads,
    num_hidden_layers: config.numLayers,
    vocab_size: config.vocabSize,
    max_position_embeddings: Math.floor(config.contextLength * config.ropeScalingFactor),
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling:
      config.ropeScalingFactor === 1 ? null : { rope_type: 'linear', type: 'linear', factor: config.ropeScalingFactor },
    hidden_act: 'silu',
    tie_word_embeddings: false,
    attention_bias: false,
    mlp_bias: false,
    initializer_range: 0.02,
    torch_dtype: 'float32',
    ...(specialTokens.bos === undefined ? {} : { bos_token_id: specialTokens.bos }),
    ...(specialTokens.eos === undefined ? {} : { eos_token_id: specialTokens.eos }),
    ...(specialTokens.pad === undefined ? {} : { pad_token_id: specialTokens.pad }),
  };
}

/** Our config from an HF LLaMA config; rejects what this architecture cannot represent. */
export function fromHfConfig(hf: Record<string, unknown>): ModelConfig {
  const fail = (field: string, why: string): never => {
    throw new Error(`Hugging Face config: ${field} ${why}`);
  };
  const number = (field: string, fallback?: number): number => {
    const value = hf[field] ?? fallback;
    return typeof value === 'number' ? value : fail(field, `must be a number, got ${JSON.stringify(value)}`);
  };
  if (hf.architectures !== undefined && !(Array.isArray(hf.architectures) && hf.architectures.includes(HF_ARCHITECTURE))) {
    fail('architectures', `is ${JSON.stringify(hf.architectures)}, expected ["${HF_ARCHITECTURE}"]; only LLaMA causal LMs can be imported`);
  }
  if (hf.model_type !== undefined && hf.model_type !== 'llama') fail('model_type', `is ${JSON.stringify(hf.model_type)}, expected "llama"`);
  if (hf.tie_word_embeddings === true) fail('tie_word_embeddings', 'is true; only untied embeddings are supported');
  if (hf.num_key_value_heads !== undefined && hf.num_key_value_heads !== hf.num_attention_heads) {
    fail('num_key_value_heads', 'differs from num_attention_heads; grouped-query attention is not supported');
  }
  for (const field of ['attention_bias', 'mlp_bias']) if (hf[field] === true) fail(field, 'is true; biases are not supported');
  if (hf.hidden_act !== undefined && hf.hidden_act !== 'silu') fail('hidden_act', `is ${JSON.stringify(hf.hidden_act)}, expected "silu"`);
  const scaling = (hf.rope_scaling ?? null) as { rope_type?: unknown; type?: unknown; factor?: unknown } | null;
  const scalingType = scaling ? (scaling.rope_type ?? scaling.type) : 'linear';
  if (scalingType !== 'linear') fail('rope_scaling', `type ${JSON.stringify(scalingType)} is not supported (only linear)`);
  const factor = scaling ? (typeof scaling.factor === 'number' ? scaling.factor : fail('rope_scaling.factor', 'must be a number')) : 1;
  return resolveModelConfig({
    hiddenSize: number('hidden_size'),
    numLayers: number('num_hidden_layers'),
    numHeads: number('num_attention_heads'),
    vocabSize: number('vocab_size'),
    intermediateSize: number('intermediate_size'),
    contextLength: Math.round(number('max_position_embeddings') / factor),
    ropeTheta: number('rope_theta', 10_000),
    ropeScalingFactor: factor,
    rmsNormEps: number('rms_norm_eps', 1e-6),
  });
}

function transpose(data: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = data[r * columns + c] ?? 0;
  return out;
}

/** config.json contents and model.safetensors bytes for a model. */
export function exportHuggingFace(
  model: LlamaModel,
  specialTokens: SpecialTokenIds = {},
): { config: HfLlamaConfig; safetensors: Uint8Array } {
  const values = model.values();
  const tensors = new Map<string, NamedTensor>();
  for (const spec of model.specs) {
    const data = values.get(spec.name) as Float32Array;
    if (spec.linear) {
      const [inputs = 0, outputs = 0] = spec.shape;
      tensors.set(spec.name, { shape: [outputs, inputs], data: transpose(data, inputs, outputs) });
    } else tensors.set(spec.name, { shape: spec.shape, data });
  }
  return { config: toHfConfig(model.config, specialTokens), safetensors: encodeSafetensors(tensors, { format: 'pt' }) };
}

/** A model from HF config.json contents and model.safetensors bytes (F32, F16 or BF16). */
export function importHuggingFace(config: Record<string, unknown>, safetensors: Uint8Array): LlamaModel {
  const ours = fromHfConfig(config);
  const { tensors } = decodeSafetensors(safetensors);
  const values = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(ours)) {
    const tensor = tensors.get(spec.name);
    if (!tensor) throw new Error(`Hugging Face weights: missing ${spec.name}`);
    const expected = spec.linear ? [spec.shape[1], spec.shape[0]] : spec.shape;
    if (tensor.shape.join(',') !== expected.join(',')) {
      throw new Error(`Hugging Face weights: ${spec.name} has shape [${tensor.shape.join(', ')}], but config.json implies [${expected.join(', ')}]`);
    }
    const [outputs = 0, inputs = 0] = tensor.shape;
    values.set(spec.name, spec.linear ? transpose(tensor.data, outputs, inputs) : tensor.data);
  }
  return LlamaModel.fromValues(ours, values);
}

/** Writes config.json, model.safetensors and, when given, tokenizer.json into `dir`. */
export async function writeHuggingFaceDir(
  model: LlamaModel,
  dir: string,
  options: { tokenizerJson?: string; specialTokens?: SpecialTokenIds } = {},
): Promise<void> {
  const { config, safetensors } = exportHuggingFace(model, options.specialTokens);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(dir, 'model.safetensors'), safetensors);
  if (options.tokenizerJson !== undefined) await writeFile(join(dir, 'tokenizer.json'), options.tokenizerJson);
}

/** A file of a Hugging Face model folder, with an error that says what the folder lacks. */
async function readModelFile(dir: string, name: string, hint: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`Hugging Face model folder ${dir} has no ${name}; ${hint}`);
  }
}

/** Reads a model from a directory holding config.json and model.safetensors. */
export async function readHuggingFaceDir(dir: string): Promise<LlamaModel> {
  const path = resolve(dir);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`Hugging Face model folder ${path} does not exist or is not a folder`);
  const configText = (await readModelFile(path, 'config.json', 'a model folder holds config.json and model.safetensors')).toString('utf8');
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (error) {
    throw new Error(`${join(path, 'config.json')} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error(`${join(path, 'config.json')} is not a JSON object`);
  const weights = await readModelFile(path, 'model.safetensors', 'sharded weights (model-0000x-of-0000y.safetensors) are not supported: save the model unsharded');
  try {
    return importHuggingFace(config as Record<string, unknown>, new Uint8Array(weights));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
