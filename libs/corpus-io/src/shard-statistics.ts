/**
 * Statistics of a simplified corpus that can be computed shard by shard, stored with each
 * shard and merged: the report of a resumed or multi-worker run is that of one pass.
 *
 * simplify's CorpusStatistics accumulates one stream of documents and keeps its counters
 * private, so it can neither be saved with a shard nor merged; this module keeps the same
 * definitions (its report type, bins, BoundedCounter pruning and zipfCoefficient are reused)
 * in a serialisable form. shard-statistics.test.ts checks that both agree.
 */
import {
  BoundedCounter,
  asciiLowerCase,
  wordTokens,
  zipfCoefficient,
  type CorpusStatisticsReport,
  type SpanFilterResult,
  type SpanLengthBin,
} from '@downscale/simplify';
import { BAD_RECORD_EXAMPLES, type BadRecordSummary } from './bad-records.js';
import type { CorpusReadError } from './documents.js';

/** Documents and words of one source subset, in and out. */
export interface SubsetCounts {
  documentsIn: number;
  documentsOut: number;
  wordsIn: number;
  wordsOut: number;
}

export interface SubsetRetention extends SubsetCounts {
  readonly documentRetention: number;
  readonly wordRetention: number;
}

/** The subset name used for documents that name none. */
export const NO_SUBSET = '(none)';

/** Counts of one shard, as stored in `shards/stats-NNNNN.json`. */
export interface ShardStatistics {
  documentsIn: number;
  documentsOut: number;
  wordsIn: number;
  wordsOut: number;
  spans: number;
  oovWordsOut: number;
  oovWordsSeen: number;
  maxSpanWords: number;
  /** spansByBin[b]: spans of 2^(b-1) to 2^b - 1 words (bin 0: empty spans). */
  spansByBin: number[];
  /** Output word types (ASCII-lower-cased) and their counts, in order of first occurrence. */
  wordCounts: [string, number][];
  /** The most frequent OOV words of the shard; `oovCountsTruncated` when some were left out. */
  oovCounts: [string, number][];
  oovCountsTruncated: boolean;
  subsets: Record<string, SubsetCounts>;
  /** Bad records skipped (with skipBad) and the first messages. */
  badRecords: number;
  badRecordExamples: string[];
}

const NON_ASCII = /[\u0080-\uffff]/;

/** OOV words kept per shard: enough for a corpus-wide top list, bounded on web text. */
const OOV_WORDS_PER_SHARD = 10_000;

/** Accumulates the statistics of one shard, document by document. */
export class ShardStatisticsBuilder {
  private readonly counts: ShardStatistics = {
    documentsIn: 0,
    documentsOut: 0,
    wordsIn: 0,
    wordsOut: 0,
    spans: 0,
    oovWordsOut: 0,
    oovWordsSeen: 0,
    maxSpanWords: 0,
    spansByBin: [],
    wordCounts: [],
    oovCounts: [],
    oovCountsTruncated: false,
    subsets: {},
    badRecords: 0,
    badRecordExamples: [],
  };
  private readonly words = new Map<string, number>();
  private readonly oovWords = new Map<string, number>();

  add(result: SpanFilterResult, subset: string | undefined): void {
    const counts = this.counts;
    const documentWordsOut = result.spans.reduce((sum, span) => sum + span.words, 0);
    counts.documentsIn++;
    counts.wordsIn += result.wordsIn;
    if (result.spans.length > 0) counts.documentsOut++;
    for (const span of result.spans) {
      counts.spans++;
      counts.wordsOut += span.words;
      counts.oovWordsOut += span.oov;
      counts.maxSpanWords = Math.max(counts.maxSpanWords, span.words);
      const bin = spanLengthBin(span.words);
      while (counts.spansByBin.length <= bin) counts.spansByBin.push(0);
      counts.spansByBin[bin] = (counts.spansByBin[bin] as number) + 1;
      // An ASCII span is lower-cased in one call (the same as word by word); others word by word.
      if (NON_ASCII.test(span.text)) for (const word of wordTokens(span.text)) increment(this.words, asciiLowerCase(word), 1);
      else for (const word of wordTokens(span.text.toLowerCase())) increment(this.words, word, 1);
    }
    counts.oovWordsSeen += result.oovWords.length;
    for (const word of result.oovWords) increment(this.oovWords, word, 1);
    const perSubset = (counts.subsets[subset ?? NO_SUBSET] ??= { documentsIn: 0, documentsOut: 0, wordsIn: 0, wordsOut: 0 });
    perSubset.documentsIn++;
    perSubset.wordsIn += result.wordsIn;
    if (result.spans.length > 0) perSubset.documentsOut++;
    perSubset.wordsOut += documentWordsOut;
  }

  addBadRecord(error: CorpusReadError): void {
    this.counts.badRecords++;
    if (this.counts.badRecordExamples.length < BAD_RECORD_EXAMPLES) this.counts.badRecordExamples.push(error.message);
  }

  finish(): ShardStatistics {
    const oovCounts = [...this.oovWords].sort(byCountThenWord);
    return {
      ...this.counts,
      wordCounts: [...this.words], // in first-seen order: deterministic, and merging needs no order
      oovCounts: oovCounts.slice(0, OOV_WORDS_PER_SHARD),
      oovCountsTruncated: oovCounts.length > OOV_WORDS_PER_SHARD,
    };
  }
}

export interface MergeStatisticsOptions {
  /** How many of the most frequent OOV words to report (default 50, as CorpusStatistics). */
  readonly topOovWords?: number;
  /** Distinct OOV words counted before pruning (default 100,000, as CorpusStatistics). */
  readonly oovCounterCapacity?: number;
  /** Distinct output word types counted before pruning (default 1,000,000, as CorpusStatistics). */
  readonly wordCounterCapacity?: number;
}

export interface MergedStatistics extends CorpusStatisticsReport {
  /** Retention per source subset (`meta.redpajama_set_name`; `(none)` when absent). */
  readonly subsets: Record<string, SubsetRetention>;
  readonly badRecords: BadRecordSummary;
}

/** The corpus statistics of shards merged in the given order (shard order: deterministic). */
export function mergeShardStatistics(shards: Iterable<ShardStatistics>, options: MergeStatisticsOptions = {}): MergedStatistics {
  const merger = new ShardStatisticsMerger(options);
  for (const shard of shards) merger.add(shard);
  return merger.finish();
}

/** Merges shard statistics one at a time, so that only one shard's counts are in memory. */
export class ShardStatisticsMerger {
  private readonly wordCounter: BoundedCounter;
  private readonly oovCounter: BoundedCounter;
  private readonly total = { documentsIn: 0, documentsOut: 0, wordsIn: 0, wordsOut: 0, spans: 0, oovWordsOut: 0, oovWordsSeen: 0, maxSpanWords: 0 };
  private readonly spansByBin: number[] = [];
  private readonly subsets: Record<string, SubsetCounts> = {};
  private oovTruncated = false;
  private badRecords = 0;
  private readonly badRecordExamples: string[] = [];

  constructor(private readonly options: MergeStatisticsOptions = {}) {
    this.wordCounter = new BoundedCounter(options.wordCounterCapacity ?? 1_000_000);
    this.oovCounter = new BoundedCounter(options.oovCounterCapacity ?? 100_000);
  }

  add(shard: ShardStatistics): void {
    const total = this.total;
    for (const key of Object.keys(total) as (keyof typeof total)[]) {
      total[key] = key === 'maxSpanWords' ? Math.max(total[key], shard[key]) : total[key] + shard[key];
    }
    shard.spansByBin.forEach((spans, bin) => (this.spansByBin[bin] = (this.spansByBin[bin] ?? 0) + spans));
    for (const [word, count] of shard.wordCounts) this.wordCounter.add(word, count);
    for (const [word, count] of shard.oovCounts) this.oovCounter.add(word, count);
    this.oovTruncated ||= shard.oovCountsTruncated;
    this.badRecords += shard.badRecords;
    this.badRecordExamples.push(...shard.badRecordExamples.slice(0, BAD_RECORD_EXAMPLES - this.badRecordExamples.length));
    for (const [name, counts] of Object.entries(shard.subsets)) {
      const merged = (this.subsets[name] ??= { documentsIn: 0, documentsOut: 0, wordsIn: 0, wordsOut: 0 });
      merged.documentsIn += counts.documentsIn;
      merged.documentsOut += counts.documentsOut;
      merged.wordsIn += counts.wordsIn;
      merged.wordsOut += counts.wordsOut;
    }
  }

  finish(): MergedStatistics {
    const { total, wordCounter, oovCounter } = this;
    const bins: SpanLengthBin[] = [];
    for (let bin = 0; bin < this.spansByBin.length; bin++) {
      bins.push({ minWords: bin === 0 ? 0 : 2 ** (bin - 1), maxWords: bin === 0 ? 0 : 2 ** bin - 1, spans: this.spansByBin[bin] ?? 0 });
    }
    return {
      documentsIn: total.documentsIn,
      documentsOut: total.documentsOut,
      documentRetention: ratio(total.documentsOut, total.documentsIn),
      wordsIn: total.wordsIn,
      wordsOut: total.wordsOut,
      wordRetention: ratio(total.wordsOut, total.wordsIn),
      spans: total.spans,
      oovWordsOut: total.oovWordsOut,
      oovRate: ratio(total.oovWordsOut, total.wordsOut),
      spanLengths: { meanWords: ratio(total.wordsOut, total.spans), maxWords: total.maxSpanWords, bins },
      types: wordCounter.size,
      typeTokenRatio: ratio(wordCounter.size, total.wordsOut),
      zipfCoefficient: zipfCoefficient(wordCounter.values()),
      wordCountsExact: wordCounter.exact,
      oovWordsSeen: total.oovWordsSeen,
      topOovWords: oovCounter.top(this.options.topOovWords ?? 50).map(({ key, count }) => ({ word: key, count })),
      oovCountsExact: oovCounter.exact && !this.oovTruncated,
      subsets: Object.fromEntries(
        Object.entries(this.subsets)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, counts]) => [
            name,
            { ...counts, documentRetention: ratio(counts.documentsOut, counts.documentsIn), wordRetention: ratio(counts.wordsOut, counts.wordsIn) },
          ]),
      ),
      badRecords: { count: this.badRecords, examples: [...this.badRecordExamples] },
    };
  }
}

/** As CorpusStatistics: bin 0 holds 0-word spans, bin b >= 1 spans of 2^(b-1) to 2^b - 1 words. */
function spanLengthBin(words: number): number {
  return 32 - Math.clz32(words);
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function byCountThenWord([wordA, countA]: [string, number], [wordB, countB]: [string, number]): number {
  return countB - countA || (wordA < wordB ? -1 : wordA > wordB ? 1 : 0);
}
