/**
 * The simplified corpus (PAPER.md section 1) of any size: documents are streamed from the
 * inputs, cut into shards, filtered on worker threads, and written shard by shard.
 *
 * Output folder:
 * - `manifest.json`: inputs and settings of the run (see manifest.ts);
 * - `shards/spans-NNNNN.jsonl`, `shards/stats-NNNNN.json`: one pair per shard, each written to
 *   a temporary file and renamed; a shard is finished once its stats file exists;
 * - `spans.jsonl`: every shard's spans in shard order (the CLI contract), written at the end;
 * - `stats.json`: the merged statistics, written at the end.
 * An interrupted run, started again with the same inputs and settings, skips the finished
 * shards and redoes the others; the output is the same as that of one uninterrupted run, and
 * the same for any number of workers.
 */
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveSpanFilterOptions, type SpanFilterOptions, type Vocabulary } from '@downscale/simplify';
import { writeFileAtomic } from './atomic-write.js';
import { DEFAULT_SHARD_CHARS, countingDocuments, shardDocuments } from './batches.js';
import { BadRecordTally, type BadRecordSummary } from './bad-records.js';
import { FilterPool } from './filter-pool.js';
import { resolveRunInputs } from './input-files.js';
import { plannedManifest, vocabularyHash, writeManifest } from './manifest.js';
import { concatenateFiles, prepareOutDir } from './output-folder.js';
import { readInputFiles } from './readers.js';
import { finishedShards, runShard, shardFiles, type ShardJob } from './shard.js';
import { ShardStatisticsMerger, type MergeStatisticsOptions, type MergedStatistics, type ShardStatistics } from './shard-statistics.js';

export const SPANS_FILE = 'spans.jsonl';
export const STATS_FILE = 'stats.json';

export interface SimplifyProgress {
  /** Documents read so far (including those of shards finished by an earlier run). */
  readonly documentsRead: number;
  /** Characters of text read so far. */
  readonly charsRead: number;
  /** Shards filtered and written by this run. */
  readonly shardsWritten: number;
  /** Shards skipped because an earlier run had finished them. */
  readonly shardsResumed: number;
  readonly badRecords: number;
}

export interface SimplifyCorpusOptions extends SpanFilterOptions {
  /** Files, directories or globs of `.txt`, `.jsonl`, `.jsonl.zst`, `.parquet`. */
  readonly inputs: string | readonly string[];
  /** A loaded vocabulary, or its set of lower-case words. */
  readonly vocabulary: Vocabulary | ReadonlySet<string>;
  readonly outDir: string;
  /** Worker threads; 1 (default) filters in this thread. */
  readonly workers?: number;
  /** A pool to run on instead of `workers` new threads, built with the same vocabulary; left open. */
  readonly pool?: FilterPool;
  /** Skip and count malformed records and damaged files instead of failing. */
  readonly skipBad?: boolean;
  /** Characters of input per shard (default 16 Mi). Part of a run's identity. */
  readonly shardChars?: number;
  /** Also write the single `spans.jsonl` (default true). */
  readonly singleFile?: boolean;
  /** Delete the output of an earlier run with other inputs or settings instead of failing. */
  readonly restart?: boolean;
  /** Stops reading; the shards in progress are finished and kept, then the run rejects. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SimplifyProgress) => void;
  readonly statistics?: MergeStatisticsOptions;
}

/** The content of `stats.json`. */
export interface SimplifiedCorpusStats extends MergedStatistics {
  readonly badRecords: BadRecordSummary;
  readonly shards: number;
  readonly filter: Required<SpanFilterOptions>;
  readonly vocabulary: { readonly source: string; readonly size: number; readonly sha256: string };
  readonly inputs: { readonly files: number; readonly bytes: number };
}

export interface SimplifyCorpusResult {
  readonly stats: SimplifiedCorpusStats;
  /** `<outDir>/spans.jsonl`, or undefined with `singleFile: false`. */
  readonly spansFile: string | undefined;
  readonly statsFile: string;
  /** The shard span files, in order. */
  readonly shardFiles: string[];
  readonly shardsResumed: number;
}

/** Filters the corpus `inputs` into `outDir`, resuming an interrupted run there. */
export async function simplifyCorpus(options: SimplifyCorpusOptions): Promise<SimplifyCorpusResult> {
  const { minWords, maxOovFraction, fromSentenceStart } = resolveSpanFilterOptions(options);
  const filter = { minWords, maxOovFraction, fromSentenceStart };
  const workers = resolveWorkers(options.workers);
  const shardChars = options.shardChars ?? DEFAULT_SHARD_CHARS;
  const words = vocabularyWords(options.vocabulary);
  const vocabularySha256 = vocabularyHash(words);
  const files = await resolveRunInputs(options.inputs, options.outDir);
  const manifest = await plannedManifest('simplified', files, { filter, vocabularySha256, shardChars });
  await prepareOutDir(options.outDir, manifest, options.restart ?? false);
  const finished = await finishedShards(options.outDir);

  const badRecords = new BadRecordTally();
  const progress = { documentsRead: 0, charsRead: 0, shardsWritten: 0, shardsResumed: 0, badRecords: 0 };
  const report = (): void => options.onProgress?.({ ...progress, badRecords: badRecords.count });
  const documents = countingDocuments(
    readInputFiles(files, { skipBad: options.skipBad ?? false, onBadRecord: (error) => badRecords.add(error) }),
    progress,
  );
  const runner = shardRunner(options, workers, words, vocabularySha256, filter);
  const parallel = options.pool?.size ?? workers;
  let shards = 0;
  // Two shards per worker: one running, one ready, so that workers never wait for reading.
  const inFlight = new InFlight(runner.inProcess ? 1 : parallel * 2);
  try {
    for await (const job of shardDocuments(documents, shardChars)) {
      if (options.signal?.aborted) break;
      shards = job.index + 1;
      if (finished.has(job.index)) {
        progress.shardsResumed++;
        report();
        continue;
      }
      await inFlight.add(
        runner.run(job).then(() => {
          progress.shardsWritten++;
          report();
        }),
      );
    }
  } finally {
    // Whatever stopped the loop, the shards in progress are finished and kept.
    await inFlight.settled();
    await runner.close();
  }
  inFlight.throwFailure();
  options.signal?.throwIfAborted();

  const stats: SimplifiedCorpusStats = {
    ...(await mergeShardFiles(options.outDir, shards, options.statistics)),
    badRecords: badRecords.summary(),
    shards,
    filter,
    vocabulary: { source: vocabularySource(options.vocabulary), size: words.size, sha256: vocabularySha256 },
    inputs: { files: files.length, bytes: manifest.inputs.reduce((sum, input) => sum + input.bytes, 0) },
  };
  const spanShards = Array.from({ length: shards }, (_, index) => shardFiles(options.outDir, index).spans);
  const spansFile = options.singleFile === false ? undefined : join(options.outDir, SPANS_FILE);
  if (spansFile) await concatenateFiles(spanShards, spansFile);
  const statsFile = join(options.outDir, STATS_FILE);
  await writeFileAtomic(statsFile, `${JSON.stringify(stats, null, 2)}\n`);
  await writeManifest(options.outDir, { ...manifest, completed: { shards } });
  return { stats, spansFile, statsFile, shardFiles: spanShards, shardsResumed: progress.shardsResumed };
}

function resolveWorkers(workers: number | undefined): number {
  const resolved = workers ?? 1;
  if (!Number.isInteger(resolved) || resolved < 1 || resolved > 4 * availableParallelism()) {
    throw new RangeError(`workers must be an integer from 1 to ${4 * availableParallelism()}, got ${resolved}`);
  }
  return resolved;
}

function vocabularyWords(vocabulary: Vocabulary | ReadonlySet<string>): ReadonlySet<string> {
  return 'words' in vocabulary ? vocabulary.words : vocabulary;
}

function vocabularySource(vocabulary: Vocabulary | ReadonlySet<string>): string {
  return 'report' in vocabulary ? vocabulary.report.source : 'word set';
}

/** The statistics of shards 0 to `shards` - 1 in `outDir`, read and merged one at a time. */
async function mergeShardFiles(outDir: string, shards: number, options: MergeStatisticsOptions | undefined): Promise<MergedStatistics> {
  const merger = new ShardStatisticsMerger(options);
  for (let index = 0; index < shards; index++) {
    merger.add(JSON.parse(await readFile(shardFiles(outDir, index).stats, 'utf8')) as ShardStatistics);
  }
  return merger.finish();
}

interface ShardRunner {
  readonly inProcess: boolean;
  run(job: ShardJob): Promise<unknown>;
  close(): Promise<void>;
}

function shardRunner(
  options: SimplifyCorpusOptions,
  workers: number,
  words: ReadonlySet<string>,
  vocabularySha256: string,
  filterOptions: Required<SpanFilterOptions>,
): ShardRunner {
  const { outDir, pool } = options;
  if (pool) {
    if (pool.vocabularySha256 !== vocabularySha256) throw new Error('simplifyCorpus: the given pool was built with another vocabulary; build a FilterPool with this one');
    return { inProcess: false, run: (job) => pool.run({ ...job, filterOptions, outDir }), close: async () => undefined };
  }
  if (workers === 1) return { inProcess: true, run: (job) => runShard(job, words, filterOptions, outDir), close: async () => undefined };
  const ownPool = new FilterPool(workers, words);
  return { inProcess: false, run: (job) => ownPool.run({ ...job, filterOptions, outDir }), close: () => ownPool.close() };
}

/** At most `limit` promises at once; the first failure is thrown by `add` or `throwFailure`. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(work: Promise<unknown>): Promise<void> {
    const tracked: Promise<void> = work.then(
      () => void this.running.delete(tracked),
      (error: unknown) => {
        this.running.delete(tracked);
        this.failure ??= { error };
      },
    );
    this.running.add(tracked);
    while (this.running.size >= this.limit && !this.failure) await Promise.race(this.running);
    this.throwFailure();
  }

  /** Waits for every promise; never throws. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }

  throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
