/**
 * Few-shot prompts as lm-evaluation-harness builds them: k demonstrations drawn from the
 * train split, each `context + targetDelimiter + target`, joined (and followed) by
 * `fewshotDelimiter` ("\n\n"), then the item's own context. As in the harness, one seeded
 * random stream (default seed 1234) draws a fresh set of demonstrations for each item in
 * order; the stream is ours (mulberry32), not Python's, so the draws differ from the harness's
 * while the format is the same.
 */
import { sample, seededRandom, type Random } from './random.js';
import type { PromptFormat } from './tasks.js';

export interface Demonstration {
  readonly context: string;
  readonly target: string;
}

export interface FewShotOptions {
  /** Number of demonstrations (0 = zero-shot). */
  readonly k: number;
  /** Seed of the draws (the harness default is 1234). */
  readonly seed?: number;
}

/** Draws the few-shot prefix of each item in turn. */
export class FewShotSampler {
  private readonly random: Random;

  constructor(
    private readonly train: readonly Demonstration[],
    private readonly format: PromptFormat,
    private readonly options: FewShotOptions,
  ) {
    if (options.k > 0 && train.length < options.k) {
      throw new Error(`few-shot: ${options.k} demonstrations asked, but the train split has ${train.length} items; lower k or give a larger train split`);
    }
    this.random = seededRandom(options.seed ?? 1234);
  }

  /** The prefix for the next item ('' when k = 0). */
  nextPrefix(): string {
    if (this.options.k <= 0) return '';
    const { targetDelimiter, fewshotDelimiter } = this.format;
    const drawn = sample(this.train, this.options.k, this.random);
    return drawn.map((demo) => `${demo.context}${targetDelimiter}${demo.target}`).join(fewshotDelimiter) + fewshotDelimiter;
  }
}
