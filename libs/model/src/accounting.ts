/**
 * Parameter and FLOP accounting (PAPER.md sections 3-4). Closed formulas, so that they can
 * be evaluated for any configuration without building a model.
 */
import type { ModelConfig } from './config.js';

export interface ParameterCount {
  readonly total: number;
  /** Everything except the input embedding and the output (lm head) matrix. */
  readonly nonEmbedding: number;
}

/**
 * Per layer: 4h^2 attention (q, k, v, o) + 3 * h * i SwiGLU MLP (gate, up, down) + 2h
 * norm weights; plus the final norm (h); plus 2 * V * h untied embeddings. No biases.
 */
export function countParameters(config: ModelConfig): ParameterCount {
  const h = config.hiddenSize;
  const perLayer = 4 * h * h + 3 * h * config.intermediateSize + 2 * h;
  const nonEmbedding = config.numLayers * perLayer + h;
  return { total: nonEmbedding + 2 * config.vocabSize * h, nonEmbedding };
}

/** Forward-pass FLOPs per token of each component, at the full context length. */
export interface ForwardFlopsPerToken {
  /** The embedding lookup counted as a one-hot matmul: 2 V h. */
  readonly embeddings: number;
  /** Per layer, summed over layers: q, k, v projections, 2 * 3 h h. */
  readonly attentionProjections: number;
  /** Query-key logits, the s^2 term: 2 s h per token. */
  readonly attentionScores: number;
  /** Softmax: 3 * heads * s per token. */
  readonly attentionSoftmax: number;
  /** Softmax-weighted values, the other s^2 term: 2 s h per token. */
  readonly attentionValues: number;
  /** Output projection: 2 h h. */
  readonly attentionOutput: number;
  /** SwiGLU: 2 * 3 h i. */
  readonly mlp: number;
  /** Final logits: 2 h V. */
  readonly logits: number;
  readonly total: number;
}

export interface FlopsPerToken {
  /** Kaplan et al.: 6 * non-embedding parameters (forward + backward). */
  readonly kaplan: number;
  /** Hoffmann et al. (Chinchilla, appendix F): forward components, backward = 2 x forward. */
  readonly detailed: number;
  readonly forward: ForwardFlopsPerToken;
}

/**
 * Training FLOPs per token (forward + backward). The detailed count follows Chinchilla's
 * appendix F: the full s x s attention matrix (no causal discount), norms and activations
 * ignored, the SwiGLU MLP as three matmuls. `sequenceLength` defaults to the context length.
 */
export function flopsPerToken(config: ModelConfig, sequenceLength = config.contextLength): FlopsPerToken {
  const h = config.hiddenSize;
  const s = sequenceLength;
  const layers = config.numLayers;
  const embeddings = 2 * config.vocabSize * h;
  const attentionProjections = layers * 2 * 3 * h * h;
  const attentionScores = layers * 2 * s * h;
  const attentionSoftmax = layers * 3 * config.numHeads * s;
  const attentionValues = layers * 2 * s * h;
  const attentionOutput = layers * 2 * h * h;
  const mlp = layers * 2 * 3 * h * config.intermediateSize;
  const logits = 2 * h * config.vocabSize;
  const total =
    embeddings +
    attentionProjections +
    attentionScores +
    attentionSoftmax +
    attentionValues +
    attentionOutput +
    mlp +
    logits;
  return {
    kaplan: 6 * countParameters(config).nonEmbedding,
    detailed: 3 * total,
    forward: {
      embeddings,
      attentionProjections,
      attentionScores,
      attentionSoftmax,
      attentionValues,
      attentionOutput,
      mlp,
      logits,
      total,
    },
  };
}
