/**
 * The simplified corpus (PAPER.md section 1) of any size. The input files are planned into
 * shards of consecutive whole files (about `shardBytes` each); each shard is read, filtered
 * and written by one worker thread, so reading, decompressing and parsing spread over the
 * workers too, and the main thread only schedules.
 *
 * Output folder:
 * - `manifest.json`: inputs and settings of the run (see manifest.ts);
 * - `shards/spans-NNNNN.jsonl`, `shards/stats-NNNNN.json`: one pair per shard, each written to
 *   a temporary file and renamed; a shard is finished once its stats file exists;
 * - `spans.jsonl`: every shard's spans in shard order (the CLI contract), written at the end;
 * - `stats.json`: the merged statistics, written at the end.
 * An interrupted run, started again with the same inputs and settings, skips the finished
 * shards (without reading them) and redoes the others; the output is the same as that of one
 * uninterrupted run, and the same for any number of workers.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { resolveSpanFilterOptions, wordTableOf, type SpanFilterOptions, type Vocabulary } from '@downscale/simplify';
import { writeFileAtomic } from './atomic-write.js';
import { FilterPool } from './filter-pool.js';
import { resolveRunInputs } from './input-files.js';
import { plannedManifest, vocabularyHash, writeManifest } from './manifest.js';
import { concatenateFiles, prepareOutDir } from './output-folder.js';
import { finishedShards, planShards, runShard, shardFiles, type ShardJob } from './shard.js';
import { OrderedShardMerge } from './ordered-merge.js';
import type { MergeStatisticsOptions, MergedStatistics, ShardStatistics } from './shard-statistics.js';

export const SPANS_FILE = 'spans.jsonl';
export const STATS_FILE = 'stats.json';

/** Default shard size: 16 MB of input files (compressed size for .zst), a file is never split. */
export const DEFAULT_SHARD_BYTES = 16 * 1024 * 1024;

export interface SimplifyProgress {
  /** Shards in the plan. */
  readonly shards: number;
  /** Shards filtered and written by this run. */
  readonly shardsWritten: number;
  /** Shards skipped because an earlier run had finished them. */
  readonly shardsResumed: number;
  /** Input bytes of the shards written or resumed so far. */
  readonly bytesDone: number;
  /** Input bytes of all shards. */
  readonly bytesTotal: number;
  /** Documents in the shards written by this run. */
  readonly documentsRead: number;
  /** Bad records skipped in the shards written by this run. */
  readonly badRecords: number;
}

export interface SimplifyCorpusOptions extends SpanFilterOptions {
  /** Files, directories or globs of `.txt`, `.jsonl`, `.jsonl.zst`, `.parquet`. */
  readonly inputs: string | readonly string[];
  /** A loaded vocabulary, or its set of lower-case words. */
  readonly vocabulary: Vocabulary | ReadonlySet<string>;
  readonly outDir: string;
  /** Worker threads; 1 (default) reads and filters in this thread. */
  readonly workers?: number;
  /** A pool to run on instead of `workers` new threads, built with the same vocabulary; left open. */
  readonly pool?: FilterPool;
  /**
   * Runs each shard elsewhere instead (e.g. a work queue served by several machines): it must
   * write the shard's two files into the job's outDir and resolve with its statistics.
   */
  readonly runShard?: (job: ShardJob) => Promise<ShardStatistics>;
  /** Shards started at once with `runShard` (default 16). */
  readonly shardsInFlight?: number;
  /** Skip and count malformed records and damaged files instead of failing. */
  readonly skipBad?: boolean;
  /** Input bytes per shard (default 16 Mi); files are never split. Part of a run's identity. */
  readonly shardBytes?: number;
  /** Also write the single `spans.jsonl` (default true). */
  readonly singleFile?: boolean;
  /** Delete the output of an earlier run with other inputs or settings instead of failing. */
  readonly restart?: boolean;
  /** Stops starting shards; the shards in progress are finished and kept, then the run rejects. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SimplifyProgress) => void;
  readonly statistics?: MergeStatisticsOptions;
}

/** The content of `stats.json`. */
export interface SimplifiedCorpusStats extends MergedStatistics {
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
  const { outDir } = options;
  const { minWords, maxOovFraction, fromSentenceStart } = resolveSpanFilterOptions(options);
  const filterOptions = { minWords, maxOovFraction, fromSentenceStart };
  const workers = resolveWorkers(options.workers);
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  const words = vocabularyWords(options.vocabulary);
  const vocabularySha256 = vocabularyHash(words);
  const files = await resolveRunInputs(options.inputs, outDir);
  const manifest = await plannedManifest('simplified', files, { filter: filterOptions, vocabularySha256, shardBytes });
  const plan = planShards(
    files.map((file, index) => ({ ...file, bytes: manifest.inputs[index]?.bytes ?? 0 })),
    shardBytes,
  );
  await prepareOutDir(outDir, manifest, options.restart ?? false);
  const finished = await finishedShards(outDir);

  const bytesTotal = manifest.inputs.reduce((sum, input) => sum + input.bytes, 0);
  const progress = { shards: plan.length, shardsWritten: 0, shardsResumed: 0, bytesDone: 0, bytesTotal, documentsRead: 0, badRecords: 0 };
  const shardBytesOf = (index: number): number => (plan[index] ?? []).reduce((sum, file) => sum + file.bytes, 0);
  for (const index of finished) {
    if (index >= plan.length) continue;
    progress.shardsResumed++;
    progress.bytesDone += shardBytesOf(index);
  }
  options.onProgress?.({ ...progress });

  const merge = new OrderedShardMerge(outDir, plan.length, finished, options.statistics);
  const runner = shardRunner(options, workers, words, vocabularySha256);
  // Two shards per worker: one running, one ready; in this thread, one filtering while the other reads or writes.
  const inFlight = new InFlight(options.runShard ? (options.shardsInFlight ?? 16) : (options.pool?.size ?? workers) * 2);
  try {
    for (const [index, shardFilesOfPlan] of plan.entries()) {
      if (options.signal?.aborted) break;
      if (finished.has(index)) continue;
      const job: ShardJob = { index, files: shardFilesOfPlan.map(({ path, format }) => ({ path, format })), filterOptions, outDir, skipBad: options.skipBad ?? false };
      await inFlight.add(
        index,
        runner.run(job).then((stats) => {
          merge.written(index, stats);
          progress.shardsWritten++;
          progress.bytesDone += shardBytesOf(index);
          progress.documentsRead += stats.documentsIn;
          progress.badRecords += stats.badRecords;
          options.onProgress?.({ ...progress });
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
    ...(await merge.finish()),
    shards: plan.length,
    filter: filterOptions,
    vocabulary: { source: vocabularySource(options.vocabulary), size: words.size, sha256: vocabularySha256 },
    inputs: { files: files.length, bytes: bytesTotal },
  };
  const spanShards = plan.map((_, index) => shardFiles(outDir, index).spans);
  const spansFile = options.singleFile === false ? undefined : join(outDir, SPANS_FILE);
  if (spansFile) await concatenateFiles(spanShards, spansFile);
  const statsFile = join(outDir, STATS_FILE);
  await writeFileAtomic(statsFile, `${JSON.stringify(stats, null, 2)}\n`);
  await writeManifest(outDir, { ...manifest, completed: { shards: plan.length } });
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

interface ShardRunner {
  run(job: ShardJob): Promise<ShardStatistics>;
  close(): Promise<void>;
}

function shardRunner(options: SimplifyCorpusOptions, workers: number, words: ReadonlySet<string>, vocabularySha256: string): ShardRunner {
  const { pool } = options;
  if (options.runShard) return { run: options.runShard, close: async () => undefined };
  if (pool) {
    if (pool.vocabularySha256 !== vocabularySha256) throw new Error('simplifyCorpus: the given pool was built with another vocabulary; build a FilterPool with this one');
    return { run: (job) => pool.run(job), close: async () => undefined };
  }
  if (workers === 1) return { run: (job) => runShard(job, wordTableOf(words)), close: async () => undefined };
  const ownPool = new FilterPool(workers, words);
  return { run: (job) => ownPool.run(job), close: () => ownPool.close() };
}

/**
 * At most `limit` promises at once. After a failure no more are added; the failure thrown is
 * that of the earliest shard, whichever finished first, so a run fails the same way every time.
 */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { readonly order: number; readonly error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(order: number, work: Promise<unknown>): Promise<void> {
    const tracked: Promise<void> = work.then(
      () => void this.running.delete(tracked),
      (error: unknown) => {
        this.running.delete(tracked);
        if (!this.failure || order < this.failure.order) this.failure = { order, error };
      },
    );
    this.running.add(tracked);
    while (this.running.size >= this.limit && !this.failure) await Promise.race(this.running);
    if (this.failure) {
      await this.settled();
      this.throwFailure();
    }
  }

  /** Waits for every promise; never throws. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }

  throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
