/**
 * Held-out loss: the token-weighted mean cross-entropy (nats per token) of a model over
 * the dataset's held-out blocks, and its conversion to bits per byte of text.
 */
import { tf, type LlamaModel } from '@downscale/model';
import type { TokenDataset } from './dataset.js';

export interface HeldOutLossOptions {
  /** Held-out blocks to score, spread evenly over the split. Default: all of them. */
  readonly maxBlocks?: number;
  /** Sequences per forward pass. Default 32. */
  readonly batchSize?: number;
}

/** Mean held-out loss in nats per token; undefined when the dataset holds nothing out. */
export function heldOutLoss(model: LlamaModel, dataset: TokenDataset, options: HeldOutLossOptions = {}): number | undefined {
  if (dataset.heldOutBlocks === 0) return undefined;
  let weighted = 0;
  let tokens = 0;
  for (const batch of dataset.heldOutBatches(options.maxBlocks, options.batchSize)) {
    const loss = tf.tidy(() =>
      model.loss(
        tf.tensor2d(batch.tokens, [batch.batchSize, batch.length], 'int32'),
        tf.tensor2d(batch.targets, [batch.batchSize, batch.length], 'int32'),
      ),
    );
    weighted += (loss.dataSync()[0] ?? Number.NaN) * batch.tokens.length;
    tokens += batch.tokens.length;
    loss.dispose();
  }
  return weighted / tokens;
}

/**
 * Bits per byte of text from a loss in nats per token, given the corpus's mean UTF-8 bytes
 * per token: tokenizer-independent, so models with different vocabularies compare.
 */
export function bitsPerByte(lossNatsPerToken: number, bytesPerToken: number): number {
  if (!(bytesPerToken > 0)) throw new Error(`bitsPerByte: bytesPerToken must be positive, got ${bytesPerToken}`);
  return lossNatsPerToken / Math.LN2 / bytesPerToken;
}
