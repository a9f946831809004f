/**
 * An independent reference for the tests: Hugging Face's LlamaForCausalLM forward pass
 * (modeling_llama.py: RMSNorm, rotate_half RoPE with linear scaling, causal multi-head
 * attention, SwiGLU MLP, untied lm_head) written with plain float64 loops from an exported
 * config.json and its weights in Hugging Face's [out, in] layout. It shares no code with
 * libs/model's TensorFlow.js model.
 */
import type { HfLlamaConfig, NamedTensor } from '@downscale/model';

type Vector = Float64Array;

function weight(tensors: ReadonlyMap<string, NamedTensor>, name: string): NamedTensor {
  const tensor = tensors.get(name);
  if (!tensor) throw new Error(`reference: no tensor ${name}`);
  return tensor;
}

/** y = W x for W [out, in]. */
function linear(tensor: NamedTensor, x: Vector): Vector {
  const [outputs = 0, inputs = 0] = tensor.shape;
  const y = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let sum = 0;
    for (let i = 0; i < inputs; i++) sum += (tensor.data[o * inputs + i] as number) * (x[i] as number);
    y[o] = sum;
  }
  return y;
}

function rmsNorm(x: Vector, tensor: NamedTensor, eps: number): Vector {
  const meanSquare = x.reduce((sum, v) => sum + v * v, 0) / x.length;
  const scale = 1 / Math.sqrt(meanSquare + eps);
  return x.map((v, i) => v * scale * (tensor.data[i] as number));
}

/** q * cos + rotate_half(q) * sin per head, rotate_half([a, b]) = [-b, a]. */
function rope(x: Vector, heads: number, position: number, theta: number, factor: number): Vector {
  const d = x.length / heads;
  const half = d / 2;
  const out = new Float64Array(x.length);
  for (let head = 0; head < heads; head++) {
    for (let j = 0; j < half; j++) {
      const angle = (position / factor) * theta ** (-(2 * j) / d);
      const a = x[head * d + j] as number;
      const b = x[head * d + j + half] as number;
      out[head * d + j] = a * Math.cos(angle) - b * Math.sin(angle);
      out[head * d + j + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
  return out;
}

const silu = (v: number) => v / (1 + Math.exp(-v));

/** Log-softmax over the vocabulary at every position of `tokens`. */
export function referenceLogProbs(config: HfLlamaConfig, tensors: ReadonlyMap<string, NamedTensor>, tokens: readonly number[]): Vector[] {
  const h = config.hidden_size;
  const heads = config.num_attention_heads;
  const d = h / heads;
  const eps = config.rms_norm_eps;
  const factor = config.rope_scaling?.factor ?? 1;
  const embed = weight(tensors, 'model.embed_tokens.weight');
  let xs: Vector[] = tokens.map((token) => Float64Array.from(embed.data.subarray(token * h, (token + 1) * h)));
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const w = (name: string) => weight(tensors, `model.layers.${layer}.${name}.weight`);
    const normed = xs.map((x) => rmsNorm(x, w('input_layernorm'), eps));
    const q = normed.map((x, t) => rope(linear(w('self_attn.q_proj'), x), heads, t, config.rope_theta, factor));
    const k = normed.map((x, t) => rope(linear(w('self_attn.k_proj'), x), heads, t, config.rope_theta, factor));
    const v = normed.map((x) => linear(w('self_attn.v_proj'), x));
    xs = xs.map((x, t) => {
      const mixed = new Float64Array(h);
      for (let head = 0; head < heads; head++) {
        const scores = Array.from({ length: t + 1 }, (_, s) => {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += (q[t]![head * d + j] as number) * (k[s]![head * d + j] as number);
          return dot / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const exps = scores.map((score) => Math.exp(score - max));
        const total = exps.reduce((a, b) => a + b, 0);
        exps.forEach((e, s) => {
          for (let j = 0; j < d; j++) mixed[head * d + j] = (mixed[head * d + j] as number) + (e / total) * (v[s]![head * d + j] as number);
        });
      }
      const attended = linear(w('self_attn.o_proj'), mixed);
      return x.map((value, i) => value + (attended[i] as number));
    });
    xs = xs.map((x) => {
      const normedMlp = rmsNorm(x, w('post_attention_layernorm'), eps);
      const gate = linear(w('mlp.gate_proj'), normedMlp);
      const up = linear(w('mlp.up_proj'), normedMlp);
      const down = linear(w('mlp.down_proj'), gate.map((g, i) => silu(g) * (up[i] as number)));
      return x.map((value, i) => value + (down[i] as number));
    });
  }
  return xs.map((x) => {
    const logits = linear(weight(tensors, 'lm_head.weight'), rmsNorm(x, weight(tensors, 'model.norm.weight'), eps));
    const max = Math.max(...logits);
    const logSum = Math.log(logits.reduce((sum, l) => sum + Math.exp(l - max), 0)) + max;
    return logits.map((l) => l - logSum);
  });
}
