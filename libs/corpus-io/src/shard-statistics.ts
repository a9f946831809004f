/**
 * Statistics of a simplified corpus that can be computed shard by shard, stored with each
 * shard and merged: the report of a resumed or multi-worker run is that of one pass.
 *
 * simplify's CorpusStatistics accumulates one stream of documents and keeps its counters
 * private, so it can neither be saved with a shard nor merged; this module keeps the same
 * definitions (its report type, bins, BoundedCounter pruning and zipfCoefficient are reused)
 * in a serialisable form. shard-statistics.test.ts checks that both agree. Beyond that report,
 * the merged statistics hold the most frequent output words (for a rank-frequency plot) and a
 * sample of spans (span-samples.ts).
 */
import {
  BoundedCounter,
  WordTable,
  wordEnd,
  zipfCoefficient,
  type ByteSpanFilterResult,
  type CorpusStatisticsReport,
  type SpanLengthBin,
  type WordCount,
} from '@downscale/simplify';
import { BAD_RECORD_EXAMPLES, type BadRecordSummary } from './bad-records.js';
import type { CorpusReadError } from './documents.js';
import type { DocumentLabel } from './span-lines.js';
import { SpanSampleMerger, SpanSampler, type KeyedSpanSample, type SpanSample } from './span-samples.js';

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
  /** The shard's share of the corpus's span sample; absent from a shard stored before samples were (merged as none). */
  spanSamples?: KeyedSpanSample[];
}

/**
 * A shard's statistics as they travel from a filter worker to the main thread: its word counts
 * as the words joined by newlines (words hold no whitespace) and their counts in a typed
 * array, the rest as JSON. The main thread merges every shard's counts in shard order; parsing
 * them as JSON (an array per word) cost it as much as a worker's filtering of a small shard.
 */
export interface PackedShardStatistics {
  readonly json: string;
  readonly words: string;
  readonly wordCounts: Float64Array;
  readonly oovWords: string;
  readonly oovCounts: Float64Array;
}

function packCounts(counts: readonly [string, number][]): { words: string; counts: Float64Array } {
  return { words: counts.map(([word]) => word).join('\n'), counts: Float64Array.from(counts, ([, count]) => count) };
}

function unpackCounts(words: string, counts: Float64Array): [string, number][] {
  if (counts.length === 0) return [];
  return words.split('\n').map((word, i): [string, number] => [word, counts[i] as number]);
}

export function packShardStatistics(stats: ShardStatistics): PackedShardStatistics {
  const { wordCounts, oovCounts, ...rest } = stats;
  const words = packCounts(wordCounts);
  const oov = packCounts(oovCounts);
  return { json: JSON.stringify(rest), words: words.words, wordCounts: words.counts, oovWords: oov.words, oovCounts: oov.counts };
}

export function unpackShardStatistics(packed: PackedShardStatistics): ShardStatistics {
  return {
    ...(JSON.parse(packed.json) as Omit<ShardStatistics, 'wordCounts' | 'oovCounts'>),
    wordCounts: unpackCounts(packed.words, packed.wordCounts),
    oovCounts: unpackCounts(packed.oovWords, packed.oovCounts),
  };
}

/** OOV words kept per shard: enough for a corpus-wide top list, bounded on web text. */
const OOV_WORDS_PER_SHARD = 10_000;

/**
 * Accumulates the statistics of one shard, document by document, from the byte filter's
 * results: words are counted by their id in the vocabulary's WordTable, or (numbers, OOV
 * words) in a table of the shard's other words, so that a word becomes a string only once
 * per shard, in finish().
 */
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
  /** Output count of each vocabulary word, by id. */
  private readonly vocabularyCounts: Int32Array;
  /** Words of the shard that are not in the vocabulary, with their output and OOV counts by id. */
  private readonly otherWords = new WordTable();
  private readonly otherCounts: number[] = [];
  private readonly oovCounts: number[] = [];
  /** Output word types in order of first occurrence: a vocabulary id, or `-1 - id` of an other word. */
  private readonly typeOrder: number[] = [];
  private readonly samples = new SpanSampler();

  constructor(private readonly vocabulary: WordTable) {
    this.vocabularyCounts = new Int32Array(vocabulary.size);
  }

  /** Adds the filter's `result` for `document`, whose UTF-8 text is `bytes`. */
  add(result: ByteSpanFilterResult, bytes: Uint8Array, document: DocumentLabel): void {
    const counts = this.counts;
    let documentWordsOut = 0;
    counts.documentsIn++;
    counts.wordsIn += result.wordsIn;
    if (result.spans.length > 0) counts.documentsOut++;
    for (const span of result.spans) {
      documentWordsOut += span.words;
      counts.spans++;
      counts.wordsOut += span.words;
      counts.oovWordsOut += span.oov;
      counts.maxSpanWords = Math.max(counts.maxSpanWords, span.words);
      const bin = spanLengthBin(span.words);
      while (counts.spansByBin.length <= bin) counts.spansByBin.push(0);
      counts.spansByBin[bin] = (counts.spansByBin[bin] as number) + 1;
    }
    const { vocabularyCounts, otherCounts, typeOrder } = this;
    for (const word of result.spanWords) {
      if (word >= 0) {
        const count = (vocabularyCounts[word] as number) + 1;
        vocabularyCounts[word] = count;
        if (count === 1) typeOrder.push(word);
      } else {
        const id = this.otherWord(bytes, -1 - word);
        const count = (otherCounts[id] as number) + 1;
        otherCounts[id] = count;
        if (count === 1) typeOrder.push(-1 - id);
      }
    }
    counts.oovWordsSeen += result.oovWordStarts.length;
    for (const start of result.oovWordStarts) {
      const id = this.otherWord(bytes, start);
      this.oovCounts[id] = (this.oovCounts[id] as number) + 1;
    }
    this.samples.add(document, bytes, result);
    const perSubset = (counts.subsets[document.subset ?? NO_SUBSET] ??= { documentsIn: 0, documentsOut: 0, wordsIn: 0, wordsOut: 0 });
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
    const { vocabulary, otherWords, vocabularyCounts, otherCounts } = this;
    // In first-seen order: deterministic, and merging needs no order.
    const wordCounts = this.typeOrder.map((type): [string, number] =>
      type >= 0 ? [vocabulary.word(type), vocabularyCounts[type] as number] : [otherWords.word(-1 - type), otherCounts[-1 - type] as number],
    );
    const oovCounts = mostFrequentFirst(this.oovCounts, (id) => otherWords.word(id));
    return {
      ...this.counts,
      wordCounts,
      oovCounts: oovCounts.slice(0, OOV_WORDS_PER_SHARD),
      oovCountsTruncated: oovCounts.length > OOV_WORDS_PER_SHARD,
      spanSamples: this.samples.finish(),
    };
  }

  /** Id of the word starting at `start` in the table of other words, added with zero counts if new. */
  private otherWord(bytes: Uint8Array, start: number): number {
    const id = this.otherWords.add(bytes, start, wordEnd(bytes, start));
    if (id === this.otherCounts.length) {
      this.otherCounts.push(0);
      this.oovCounts.push(0);
    }
    return id;
  }
}

export interface MergeStatisticsOptions {
  /** How many of the most frequent OOV words to report (default 50, as CorpusStatistics). */
  readonly topOovWords?: number;
  /** Distinct OOV words counted before pruning (default 100,000, as CorpusStatistics). */
  readonly oovCounterCapacity?: number;
  /** Distinct output word types counted before pruning (default 1,000,000, as CorpusStatistics). */
  readonly wordCounterCapacity?: number;
  /** How many of the most frequent output words to report (default 1,000: a rank-frequency plot over three decades). */
  readonly topWords?: number;
}

export interface MergedStatistics extends CorpusStatisticsReport {
  /** Retention per source subset (`meta.redpajama_set_name`; `(none)` when absent). */
  readonly subsets: Record<string, SubsetRetention>;
  readonly badRecords: BadRecordSummary;
  /** The most frequent output words (ASCII-lower-cased), most frequent first, ties by word; lower bounds unless `wordCountsExact`. */
  readonly topWords: WordCount[];
  /** A deterministic sample of the spans, in corpus order (span-samples.ts). */
  readonly spanSamples: SpanSample[];
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
  private readonly samples = new SpanSampleMerger();

  constructor(private readonly options: MergeStatisticsOptions = {}) {
    for (const name of ['topOovWords', 'topWords'] as const) {
      const limit = options[name];
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`${name} must be a non-negative integer, got ${limit}`);
    }
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
    this.samples.add(shard.spanSamples);
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
      topWords: wordCounter.top(this.options.topWords ?? 1_000).map(({ key, count }) => ({ word: key, count })),
      spanSamples: this.samples.finish(),
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

/**
 * The words with a positive count in `counts` (by id), most frequent first, ties in string
 * order. Sorted count by count: most OOV words share a count of 1 or 2, and sorting plain
 * strings is much faster than sorting pairs with a comparator.
 */
function mostFrequentFirst(counts: readonly number[], word: (id: number) => string): [string, number][] {
  const wordsByCount = new Map<number, string[]>();
  counts.forEach((count, id) => {
    if (count === 0) return;
    const words = wordsByCount.get(count);
    if (words) words.push(word(id));
    else wordsByCount.set(count, [word(id)]);
  });
  const sorted: [string, number][] = [];
  for (const count of [...wordsByCount.keys()].sort((a, b) => b - a)) {
    for (const word of (wordsByCount.get(count) as string[]).sort()) sorted.push([word, count]);
  }
  return sorted;
}
