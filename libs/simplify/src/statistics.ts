/**
 * Statistics of a simplified corpus (PAPER.md section 1, "Statistics worth reporting"),
 * accumulated one document at a time so that a corpus of any size streams through.
 *
 * The word distribution (types, type/token ratio, Zipf coefficient) is that of the OUTPUT:
 * the ASCII-lower-cased word tokens of the emitted spans. Word types and OOV words are
 * counted in {@link BoundedCounter}s, so memory stays bounded; the report says whether
 * those counts are exact.
 */
import { BoundedCounter } from './bounded-counter.js';
import type { SpanFilterResult } from './span-filter.js';
import { asciiLowerCase, wordTokens } from './tokens.js';

export interface CorpusStatisticsOptions {
  /** How many of the most frequent OOV words to report (default 50). */
  readonly topOovWords?: number;
  /** Distinct OOV words counted before pruning (default 100,000). */
  readonly oovCounterCapacity?: number;
  /** Distinct output word types counted before pruning (default 1,000,000). */
  readonly wordCounterCapacity?: number;
}

/** Spans of `minWords` to `maxWords` words (inclusive). */
export interface SpanLengthBin {
  readonly minWords: number;
  readonly maxWords: number;
  readonly spans: number;
}

export interface WordCount {
  readonly word: string;
  readonly count: number;
}

export interface CorpusStatisticsReport {
  readonly documentsIn: number;
  /** Documents with at least one span; the others are dropped. */
  readonly documentsOut: number;
  /** documentsOut / documentsIn. */
  readonly documentRetention: number;
  readonly wordsIn: number;
  readonly wordsOut: number;
  /** wordsOut / wordsIn. */
  readonly wordRetention: number;
  readonly spans: number;
  /** OOV words kept inside emitted spans. */
  readonly oovWordsOut: number;
  /** oovWordsOut / wordsOut. */
  readonly oovRate: number;
  readonly spanLengths: {
    readonly meanWords: number;
    readonly maxWords: number;
    /** Bins 0, 1, 2-3, 4-7, 8-15, ... up to the longest span. */
    readonly bins: SpanLengthBin[];
  };
  /** Distinct output words (lower-cased). */
  readonly types: number;
  /** types / wordsOut. */
  readonly typeTokenRatio: number;
  /** Slope of log frequency against log rank over the output words; null with fewer than 2 types. */
  readonly zipfCoefficient: number | null;
  /** False once the word-type counter had to prune: types, ratio and Zipf then describe the kept types. */
  readonly wordCountsExact: boolean;
  /** Every OOV word the filter looked at (kept ones and span-ending ones). */
  readonly oovWordsSeen: number;
  /** Most frequent OOV words, lower-cased, most frequent first. */
  readonly topOovWords: WordCount[];
  /** False once the OOV counter had to prune: counts are then lower bounds. */
  readonly oovCountsExact: boolean;
}

export class CorpusStatistics {
  private readonly topOovLimit: number;
  private readonly oovCounter: BoundedCounter;
  private readonly wordCounter: BoundedCounter;
  /** spansByBin[b]: spans in span-length bin b (see {@link spanLengthBin}). */
  private readonly spansByBin: number[] = [];
  private documentsIn = 0;
  private documentsOut = 0;
  private wordsIn = 0;
  private wordsOut = 0;
  private spans = 0;
  private oovWordsOut = 0;
  private oovWordsSeen = 0;
  private maxSpanWords = 0;

  constructor(options: CorpusStatisticsOptions = {}) {
    this.topOovLimit = options.topOovWords ?? 50;
    this.oovCounter = new BoundedCounter(options.oovCounterCapacity ?? 100_000);
    this.wordCounter = new BoundedCounter(options.wordCounterCapacity ?? 1_000_000);
  }

  /** Adds one document's span-filter result. */
  add(result: SpanFilterResult): void {
    this.documentsIn++;
    this.wordsIn += result.wordsIn;
    if (result.spans.length > 0) this.documentsOut++;
    for (const span of result.spans) {
      this.spans++;
      this.wordsOut += span.words;
      this.oovWordsOut += span.oov;
      this.maxSpanWords = Math.max(this.maxSpanWords, span.words);
      const bin = spanLengthBin(span.words);
      this.spansByBin[bin] = (this.spansByBin[bin] ?? 0) + 1;
      for (const word of wordTokens(span.text)) this.wordCounter.add(asciiLowerCase(word));
    }
    this.oovWordsSeen += result.oovWords.length;
    for (const word of result.oovWords) this.oovCounter.add(word);
  }

  /** The statistics of everything added so far. */
  finish(): CorpusStatisticsReport {
    const bins: SpanLengthBin[] = [];
    for (let bin = 0; bin < this.spansByBin.length; bin++) {
      bins.push({ minWords: bin === 0 ? 0 : 2 ** (bin - 1), maxWords: bin === 0 ? 0 : 2 ** bin - 1, spans: this.spansByBin[bin] ?? 0 });
    }
    return {
      documentsIn: this.documentsIn,
      documentsOut: this.documentsOut,
      documentRetention: ratio(this.documentsOut, this.documentsIn),
      wordsIn: this.wordsIn,
      wordsOut: this.wordsOut,
      wordRetention: ratio(this.wordsOut, this.wordsIn),
      spans: this.spans,
      oovWordsOut: this.oovWordsOut,
      oovRate: ratio(this.oovWordsOut, this.wordsOut),
      spanLengths: { meanWords: ratio(this.wordsOut, this.spans), maxWords: this.maxSpanWords, bins },
      types: this.wordCounter.size,
      typeTokenRatio: ratio(this.wordCounter.size, this.wordsOut),
      zipfCoefficient: zipfCoefficient(this.wordCounter.values()),
      wordCountsExact: this.wordCounter.exact,
      oovWordsSeen: this.oovWordsSeen,
      topOovWords: this.oovCounter.top(this.topOovLimit).map(({ key, count }) => ({ word: key, count })),
      oovCountsExact: this.oovCounter.exact,
    };
  }
}

/** Bin 0 holds 0-word spans, bin b >= 1 spans of 2^(b-1) to 2^b - 1 words. */
function spanLengthBin(words: number): number {
  return 32 - Math.clz32(words);
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Zipf coefficient: the least-squares slope of ln(frequency) against ln(rank), ranks 1..n
 * over the (positive) frequencies sorted from largest. About -1 for natural language; null
 * with fewer than two frequencies (no slope).
 */
export function zipfCoefficient(frequencies: Iterable<number>): number | null {
  const sorted = Float64Array.from(frequencies).sort().reverse();
  const n = sorted.length;
  if (n > 0 && !((sorted[n - 1] as number) > 0)) {
    throw new RangeError(`zipfCoefficient: every frequency must be a positive number, got ${sorted[n - 1]}`);
  }
  if (n < 2) return null;
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  for (let rank = 1; rank <= n; rank++) {
    const x = Math.log(rank);
    const y = Math.log(sorted[rank - 1] as number);
    sumX += x;
    sumY += y;
    sumXX += x * x;
    sumXY += x * y;
  }
  return (n * sumXY - sumX * sumY) / (n * sumXX - sumX * sumX);
}
