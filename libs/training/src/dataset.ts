/**
 * A tokenised corpus cut into packed blocks for causal-LM training. Block k holds the
 * T + 1 tokens starting at k * T (consecutive blocks share one token, so every token is a
 * target exactly once per epoch). The held-out split is the END of the ids, so it never
 * overlaps a training block. Training order is an epoch-wise seeded shuffle of the blocks:
 * the blocks of an optimizer step are a pure function of (seed, step), so a resumed run
 * needs nothing but the step to continue the same data stream.
 */
import { Rng, batchFromBlocks, type TokenBatch } from '@downscale/model';

export interface TokenDatasetOptions {
  /** Tokens per training sequence T; each block holds T + 1 (inputs plus the next token). */
  readonly contextLength: number;
  /** Fraction of the ids held out for eval loss, taken from the end. Default 0.05. */
  readonly heldOutFraction?: number;
  /** Seed of the training order. */
  readonly seed: number;
}

export const DEFAULT_HELD_OUT_FRACTION = 0.05;

/** Token ids as they come from a token file, or any integer array. */
export type TokenIds = Uint16Array | Uint32Array | Int32Array | readonly number[];

/** An invalid dataset option or a corpus too small for it; `field` names what to change. */
export class DatasetError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`token dataset: ${message}`);
    this.name = 'DatasetError';
  }
}

export class TokenDataset {
  readonly contextLength: number;
  readonly heldOutFraction: number;
  readonly seed: number;
  /** Number of packed training blocks (one epoch). */
  readonly trainBlocks: number;
  /** Number of packed held-out blocks. */
  readonly heldOutBlocks: number;
  /** Tokens before the held-out split. */
  readonly trainTokens: number;
  private readonly ids: Uint16Array | Uint32Array | Int32Array;
  /** The shuffled block order of one epoch, kept for the epoch being read. */
  private order: { epoch: number; blocks: Uint32Array } | undefined;

  constructor(ids: TokenIds, options: TokenDatasetOptions) {
    const { contextLength, seed } = options;
    const heldOutFraction = options.heldOutFraction ?? DEFAULT_HELD_OUT_FRACTION;
    if (!Number.isInteger(contextLength) || contextLength < 1) {
      throw new DatasetError('contextLength', `contextLength must be a positive integer, got ${contextLength}`);
    }
    if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
      throw new DatasetError('heldOutFraction', `heldOutFraction must be in [0, 1), got ${heldOutFraction}`);
    }
    // The epoch number goes into the high word of the order's seed (see epochOrder).
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
      throw new DatasetError('seed', `seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.ids = Array.isArray(ids) ? Int32Array.from(ids as readonly number[]) : (ids as Uint16Array | Uint32Array | Int32Array);
    this.contextLength = contextLength;
    this.heldOutFraction = heldOutFraction;
    this.seed = seed;
    const heldOutTokens = Math.round(this.ids.length * heldOutFraction);
    this.trainTokens = this.ids.length - heldOutTokens;
    this.trainBlocks = blockCount(this.trainTokens, contextLength);
    this.heldOutBlocks = blockCount(heldOutTokens, contextLength);
    if (this.trainBlocks === 0) {
      throw new DatasetError(
        'ids',
        `the training split has ${this.trainTokens} tokens, fewer than one block of contextLength + 1 = ${contextLength + 1}; use a larger corpus or a shorter context`,
      );
    }
    if (heldOutFraction > 0 && this.heldOutBlocks === 0) {
      throw new DatasetError(
        'heldOutFraction',
        `the held-out split has ${heldOutTokens} tokens, fewer than one block of ${contextLength + 1}; raise heldOutFraction or use a larger corpus`,
      );
    }
  }

  /** Total token count, both splits. */
  get tokens(): number {
    return this.ids.length;
  }

  /** Largest token id (to check against the model's vocabulary). */
  maxTokenId(): number {
    let max = 0;
    for (const id of this.ids) if (id > max) max = id;
    return max;
  }

  /**
   * The micro-batches of optimizer step `step` (0-based): `batchSize` blocks, in
   * `batchSize / microBatch` batches of `microBatch` sequences. Sequence j of step s is
   * sample s * batchSize + j of the endless stream of shuffled epochs.
   */
  trainBatch(step: number, microBatch: number, batchSize: number): TokenBatch[] {
    if (!Number.isSafeInteger(step) || step < 0) throw new DatasetError('step', `step must be a non-negative integer, got ${step}`);
    if (!Number.isInteger(microBatch) || microBatch < 1 || !Number.isInteger(batchSize) || batchSize % microBatch !== 0) {
      throw new DatasetError('microBatchSize', `batchSize (${batchSize}) must be a positive multiple of microBatchSize (${microBatch})`);
    }
    if (batchSize > this.trainBlocks) {
      throw new DatasetError(
        'batchSize',
        `one batch needs ${batchSize} blocks but the training split has ${this.trainBlocks} (${this.trainTokens} tokens at context ${this.contextLength}); use a larger corpus or a smaller batchSize`,
      );
    }
    const batches: TokenBatch[] = [];
    for (let first = 0; first < batchSize; first += microBatch) {
      const blocks = [];
      for (let j = first; j < first + microBatch; j++) blocks.push(this.blockAt(this.trainBlockAt(step * batchSize + j) * this.contextLength));
      batches.push(batchFromBlocks(blocks));
    }
    return batches;
  }

  /**
   * Held-out blocks for eval loss, in batches of at most `batchSize`: all of them, or
   * `maxBlocks` spread evenly over the split (the same ones every time).
   */
  heldOutBatches(maxBlocks = Infinity, batchSize = 32): TokenBatch[] {
    if (!(maxBlocks >= 1)) throw new DatasetError('maxBlocks', `maxBlocks must be at least 1, got ${maxBlocks}`);
    const count = Math.min(this.heldOutBlocks, Math.floor(maxBlocks));
    const stride = this.heldOutBlocks / Math.max(1, count);
    const blocks = Array.from({ length: count }, (_, i) => this.blockAt(this.trainTokens + Math.floor(i * stride) * this.contextLength));
    const batches: TokenBatch[] = [];
    for (let i = 0; i < blocks.length; i += batchSize) batches.push(batchFromBlocks(blocks.slice(i, i + batchSize)));
    return batches;
  }

  /** Index of the training block at position `sample` of the shuffled stream. */
  private trainBlockAt(sample: number): number {
    const epoch = Math.floor(sample / this.trainBlocks);
    return this.epochOrder(epoch)[sample - epoch * this.trainBlocks] ?? 0;
  }

  private epochOrder(epoch: number): Uint32Array {
    if (this.order?.epoch !== epoch) {
      // Fisher-Yates with a generator seeded by (epoch, seed): any epoch can be rebuilt alone.
      const rng = Rng.fromSeed((epoch + 1) * 2 ** 32 + this.seed);
      const blocks = Uint32Array.from({ length: this.trainBlocks }, (_, i) => i);
      for (let i = blocks.length - 1; i > 0; i--) {
        const j = rng.nextInt(i + 1);
        const swap = blocks[i] ?? 0;
        blocks[i] = blocks[j] ?? 0;
        blocks[j] = swap;
      }
      this.order = { epoch, blocks };
    }
    return this.order.blocks;
  }

  /** The T + 1 tokens from `start`. */
  private blockAt(start: number): Uint16Array | Uint32Array | Int32Array {
    return this.ids.subarray(start, start + this.contextLength + 1);
  }
}

/** Blocks of T + 1 tokens at stride T that fit in `tokens` tokens. */
function blockCount(tokens: number, contextLength: number): number {
  return tokens < contextLength + 1 ? 0 : Math.floor((tokens - 1) / contextLength);
}
