/**
 * The LLaMA-style decoder (PAPER.md section 3), readable top to bottom:
 *
 *   tokens [B, T]
 *   -> embed_tokens                                  x [B*T, h]
 *   -> N x ( x += attention(rmsNorm(x))              causal, multi-head, rotary
 *            x += mlp(rmsNorm(x)) )                  SwiGLU, intermediate i = 4h
 *   -> rmsNorm -> lm_head                            logits [B, T, V]
 *
 * Weights are named tf.Variables keyed by their Hugging Face LLaMA names (see parameters.ts;
 * linear weights are held [in, out]).
 */
import { headSize, resolveModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import {
  applyRotary,
  crossEntropy,
  embeddingLookup,
  matMul,
  rmsNorm,
  rotaryTables,
  silu,
  softmax,
  type EmbeddingGradient,
} from './ops.js';
import { initialParameterValues, parameterSpecs, type ParameterSpec } from './parameters.js';
import { tf } from './tf.js';

/** One evaluation request: score `continuation` given `context` (token ids). */
export interface ContinuationRequest {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

export interface ContinuationScore {
  /** Sum over the continuation's tokens of log p(token | everything before it), natural log. */
  readonly logLikelihood: number;
  readonly tokenLogProbs: readonly number[];
  /** Whether every continuation token is the model's argmax (lm-evaluation-harness is_greedy). */
  readonly isGreedy: boolean;
}

export interface ModelOptions {
  /** Embedding gradient strategy; by default chosen from the backend's kernels. */
  readonly embeddingGradient?: EmbeddingGradient;
}

const MASKED = -1e9;
let nextModelId = 0;

export class LlamaModel {
  readonly config: ModelConfig;
  readonly specs: readonly ParameterSpec[];
  /** Trainable weights by Hugging Face name. */
  readonly parameters: ReadonlyMap<string, tf.Variable>;
  private readonly embeddingGradient: EmbeddingGradient | undefined;
  /** Per sequence length: causal mask [T, T] and rotary cos/sin [T, 1, d]; kept tensors. */
  private readonly positionCache = new Map<number, { mask: tf.Tensor2D; cos: tf.Tensor3D; sin: tf.Tensor3D }>();

  private constructor(config: ModelConfig, values: ReadonlyMap<string, Float32Array>, options: ModelOptions) {
    this.config = config;
    this.specs = parameterSpecs(config);
    this.embeddingGradient = options.embeddingGradient;
    // tfjs variable names are global to the engine: prefix them so that models can coexist.
    const id = nextModelId++;
    const parameters = new Map<string, tf.Variable>();
    for (const spec of this.specs) {
      const data = values.get(spec.name);
      if (!data) throw new Error(`model weights: missing ${spec.name}`);
      const expected = spec.shape.reduce((a, b) => a * b, 1);
      if (data.length !== expected) {
        throw new Error(`model weights: ${spec.name} has ${data.length} values, expected ${expected} for shape [${spec.shape.join(', ')}]`);
      }
      parameters.set(spec.name, tf.variable(tf.tensor(data, [...spec.shape], 'float32'), true, `m${id}/${spec.name}`));
    }
    this.parameters = parameters;
  }

  /** A freshly initialised model: matrices N(0, 0.02^2), norms 1, from `seed`. */
  static create(config: ModelConfigInput, seed: number, options: ModelOptions = {}): LlamaModel {
    const resolved = resolveModelConfig(config);
    return new LlamaModel(resolved, initialParameterValues(resolved, seed), options);
  }

  /** A model holding the given weights (internal layout, by Hugging Face name). */
  static fromValues(config: ModelConfigInput, values: ReadonlyMap<string, Float32Array>, options: ModelOptions = {}): LlamaModel {
    return new LlamaModel(resolveModelConfig(config), values, options);
  }

  /** A copy of every weight (internal layout), read synchronously. */
  values(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, variable] of this.parameters) out.set(name, variable.dataSync() as Float32Array);
    return out;
  }

  /** Overwrites every weight (e.g. on resume). */
  assignValues(values: ReadonlyMap<string, Float32Array>): void {
    for (const spec of this.specs) {
      const data = values.get(spec.name);
      if (!data) throw new Error(`model weights: missing ${spec.name}`);
      tf.tidy(() => this.param<tf.Variable>(spec.name).assign(tf.tensor(data, [...spec.shape], 'float32')));
    }
  }

  private param<T extends tf.Tensor>(name: string): T {
    const variable = this.parameters.get(name);
    if (!variable) throw new Error(`model has no parameter ${name}`);
    return variable as unknown as T;
  }

  private positions(length: number): { mask: tf.Tensor2D; cos: tf.Tensor3D; sin: tf.Tensor3D } {
    let cached = this.positionCache.get(length);
    if (!cached) {
      const mask = new Float32Array(length * length);
      for (let row = 0; row < length; row++) mask.fill(MASKED, row * length + row + 1, (row + 1) * length);
      const d = headSize(this.config);
      const { cos, sin } = rotaryTables(length, d, this.config.ropeTheta, this.config.ropeScalingFactor);
      cached = {
        mask: tf.keep(tf.tensor2d(mask, [length, length])),
        cos: tf.keep(tf.tensor3d(cos, [length, 1, d])),
        sin: tf.keep(tf.tensor3d(sin, [length, 1, d])),
      };
      this.positionCache.set(length, cached);
    }
    return cached;
  }

  /** Causal multi-head self-attention with rotary embeddings. x [B*T, h] -> [B*T, h]. */
  private attention(x: tf.Tensor2D, layer: number, batch: number, length: number): tf.Tensor2D {
    const { numHeads: heads, hiddenSize: h } = this.config;
    const d = headSize(this.config);
    const prefix = `model.layers.${layer}.self_attn`;
    const { mask, cos, sin } = this.positions(length);
    const project = (name: string): tf.Tensor4D =>
      tf.reshape(matMul(x, this.param<tf.Tensor2D>(`${prefix}.${name}.weight`)), [batch, length, heads, d]);
    const q = applyRotary(project('q_proj'), cos, sin); // [B, T, H, d]
    const k = applyRotary(project('k_proj'), cos, sin); // [B, T, H, d]
    const v = project('v_proj'); // [B, T, H, d]
    const qHeads = tf.reshape<tf.Rank.R3>(tf.transpose(tf.mul(q, 1 / Math.sqrt(d)), [0, 2, 1, 3]), [batch * heads, length, d]);
    const kHeadsT = tf.reshape<tf.Rank.R3>(tf.transpose(k, [0, 2, 3, 1]), [batch * heads, d, length]); // k^T per head
    const vHeads = tf.reshape<tf.Rank.R3>(tf.transpose(v, [0, 2, 1, 3]), [batch * heads, length, d]);
    const scores = tf.add<tf.Tensor3D>(matMul(qHeads, kHeadsT), mask); // [B*H, T, T], future positions -1e9
    const weights = softmax(scores); // over keys
    const mixed = matMul(weights, vHeads); // [B*H, T, d]
    const merged = tf.reshape<tf.Rank.R2>(tf.transpose(tf.reshape(mixed, [batch, heads, length, d]), [0, 2, 1, 3]), [batch * length, h]);
    return matMul(merged, this.param<tf.Tensor2D>(`${prefix}.o_proj.weight`)); // [B*T, h]
  }

  /** SwiGLU: down(silu(gate(x)) * up(x)). x [B*T, h] -> [B*T, h] via [B*T, i]. */
  private mlp(x: tf.Tensor2D, layer: number): tf.Tensor2D {
    const prefix = `model.layers.${layer}.mlp`;
    const gate = silu(matMul(x, this.param<tf.Tensor2D>(`${prefix}.gate_proj.weight`))); // [B*T, i]
    const up = matMul(x, this.param<tf.Tensor2D>(`${prefix}.up_proj.weight`)); // [B*T, i]
    return matMul(tf.mul<tf.Tensor2D>(gate, up), this.param<tf.Tensor2D>(`${prefix}.down_proj.weight`)); // [B*T, h]
  }

  /** Logits as [B*T, V] for int32 tokens [B, T]. */
  private logitsFlat(tokens: tf.Tensor2D): tf.Tensor2D {
    return matMul(this.hiddenFlat(tokens), this.param<tf.Tensor2D>('lm_head.weight')); // [B*T, V]
  }

  /** The final hidden states [B*T, h] (after the last rmsNorm, before lm_head) for int32 tokens [B, T]. */
  private hiddenFlat(tokens: tf.Tensor2D): tf.Tensor2D {
    const [batch, length] = tokens.shape;
    const eps = this.config.rmsNormEps;
    let x = embeddingLookup(
      this.param<tf.Tensor2D>('model.embed_tokens.weight'),
      tf.reshape(tokens, [batch * length]),
      this.embeddingGradient,
    ); // [B*T, h]
    for (let layer = 0; layer < this.config.numLayers; layer++) {
      const prefix = `model.layers.${layer}`;
      x = tf.add(x, this.attention(rmsNorm(x, this.param(`${prefix}.input_layernorm.weight`), eps), layer, batch, length));
      x = tf.add(x, this.mlp(rmsNorm(x, this.param(`${prefix}.post_attention_layernorm.weight`), eps), layer));
    }
    return rmsNorm(x, this.param('model.norm.weight'), eps);
  }

  /** Next-token logits [B, T, V] for int32 tokens [B, T]. */
  forward(tokens: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, length] = tokens.shape;
      return tf.reshape(this.logitsFlat(tokens), [batch, length, this.config.vocabSize]);
    });
  }

  /**
   * Next-token logits [K, V] at K chosen positions only: `positions` are flat indices into
   * [B*T] (b * T + t) of int32 `tokens` [B, T]. Equal to those rows of forward(); scoring a
   * few positions per sequence this way skips most of lm_head, the largest matmul of a small
   * model with a large vocabulary (libs/evaluation scores continuations with it).
   */
  logitsAt(tokens: tf.Tensor2D, positions: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => matMul(tf.gather(this.hiddenFlat(tokens), positions), this.param<tf.Tensor2D>('lm_head.weight')));
  }

  /** Mean cross-entropy (nats per token) of predicting `targets` [B, T] from `tokens` [B, T]. */
  loss(tokens: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => crossEntropy(this.logitsFlat(tokens), tf.reshape(targets, [targets.size])));
  }

  /** Longest input the model scores: the training context stretched by position interpolation. */
  get maxInputLength(): number {
    return Math.floor(this.config.contextLength * this.config.ropeScalingFactor);
  }

  /**
   * Scores continuations as lm-evaluation-harness does: the input is
   * (context + continuation) cut to its last maxInputLength + 1 tokens, minus the last one;
   * the continuation's tokens are scored at the end. Requests are run `batchSize` at a time,
   * right-padded (causal attention keeps padding from touching real positions).
   */
  scoreContinuations(requests: readonly ContinuationRequest[], batchSize = 16): ContinuationScore[] {
    const scores: ContinuationScore[] = [];
    for (let start = 0; start < requests.length; start += batchSize) {
      scores.push(...this.scoreBatch(requests.slice(start, start + batchSize)));
    }
    return scores;
  }

  private scoreBatch(requests: readonly ContinuationRequest[]): ContinuationScore[] {
    const vocab = this.config.vocabSize;
    const inputs = requests.map(({ context, continuation }, index) => {
      if (context.length === 0) throw new Error(`scoreContinuations: request ${index} has an empty context (prepend a BOS/EOS token)`);
      if (continuation.length === 0) throw new Error(`scoreContinuations: request ${index} has an empty continuation`);
      if (continuation.length > this.maxInputLength) {
        throw new Error(`scoreContinuations: request ${index} continuation (${continuation.length} tokens) exceeds the model's ${this.maxInputLength}`);
      }
      for (const token of [...context, ...continuation]) {
        if (!Number.isInteger(token) || token < 0 || token >= vocab) {
          throw new Error(`scoreContinuations: request ${index} has token ${token} outside [0, ${vocab})`);
        }
      }
      return [...context, ...continuation].slice(-(this.maxInputLength + 1)).slice(0, -1);
    });
    const length = Math.max(...inputs.map((input) => input.length));
    const padded = new Int32Array(requests.length * length);
    inputs.forEach((input, row) => padded.set(input, row * length));
    const logProbs = tf.tidy(() => {
      const logits = this.logitsFlat(tf.tensor2d(padded, [requests.length, length], 'int32'));
      return tf.logSoftmax(logits); // [B*T, V]
    });
    const data = logProbs.dataSync();
    logProbs.dispose();
    return requests.map(({ continuation }, row) => {
      const inputLength = inputs[row]?.length ?? 0;
      const firstPosition = inputLength - continuation.length;
      let isGreedy = true;
      const tokenLogProbs = continuation.map((token, offset) => {
        const base = (row * length + firstPosition + offset) * vocab;
        const logProb = data[base + token] ?? Number.NaN;
        for (let other = 0; other < vocab; other++) {
          if ((data[base + other] ?? 0) > logProb) {
            isGreedy = false;
            break;
          }
        }
        return logProb;
      });
      return { logLikelihood: tokenLogProbs.reduce((a, b) => a + b, 0), tokenLogProbs, isGreedy };
    });
  }

  /** Frees every weight and cached tensor. */
  dispose(): void {
    for (const variable of this.parameters.values()) variable.dispose();
    for (const cached of this.positionCache.values()) tf.dispose([cached.mask, cached.cos, cached.sin]);
    this.positionCache.clear();
  }
}
