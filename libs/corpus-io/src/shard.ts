/**
 * One shard of a simplified corpus: a run of consecutive whole input files, read and
 * filtered together (on a worker thread, or in the main thread with one worker) and written
 * as `shards/spans-NNNNN.jsonl` plus `shards/stats-NNNNN.json`. The spans are streamed to a
 * temporary file, renamed when complete; the stats file is written (atomically) after it, so
 * its presence marks a finished shard.
 */
import { randomUUID } from 'node:crypto';
import { open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { spanFilterBytes, type SpanFilterOptions, type WordTable } from '@downscale/simplify';
import { writeFileAtomic } from './atomic-write.js';
import type { InputFile } from './input-files.js';
import type { BadRecordPolicy } from './documents.js';
import { readFileDocuments, readTextFileUtf8 } from './readers.js';
import { ShardStatisticsBuilder, type ShardStatistics } from './shard-statistics.js';
import { SpanLineWriter, type DocumentLabel } from './span-lines.js';

export const SHARDS_FOLDER = 'shards';

/** The work of one shard. */
export interface ShardJob {
  readonly index: number;
  readonly files: readonly InputFile[];
  readonly filterOptions: SpanFilterOptions;
  readonly outDir: string;
  readonly skipBad: boolean;
}

export interface ShardFiles {
  readonly spans: string;
  readonly stats: string;
  /** Why the shard cannot be written (bad input), left by a filter elsewhere (a work queue's worker). */
  readonly error: string;
}

/** Where shard `index` of the corpus in `outDir` is stored; `records` names its JSONL file. */
export function shardFiles(outDir: string, index: number, records = 'spans'): ShardFiles {
  const number = String(index).padStart(5, '0');
  return {
    spans: join(outDir, SHARDS_FOLDER, `${records}-${number}.jsonl`),
    stats: join(outDir, SHARDS_FOLDER, `stats-${number}.json`),
    error: join(outDir, SHARDS_FOLDER, `error-${number}.json`),
  };
}

/** Indices of the shards in `outDir` whose records and stats files both exist. */
export async function finishedShards(outDir: string, records = 'spans'): Promise<Set<number>> {
  const names = new Set(await readdir(join(outDir, SHARDS_FOLDER)));
  const finished = new Set<number>();
  for (const name of names) {
    const match = /^stats-(\d+)\.json$/.exec(name);
    if (match && names.has(`${records}-${match[1]}.jsonl`)) finished.add(Number(match[1]));
  }
  return finished;
}

/**
 * Groups consecutive files into shards of at least `shardBytes` bytes (the last one may be
 * smaller); a file is never split. The plan depends only on the file list and sizes.
 */
export function planShards<T extends { readonly bytes: number }>(files: readonly T[], shardBytes: number): T[][] {
  if (!Number.isInteger(shardBytes) || shardBytes < 1) throw new RangeError(`shardBytes must be a positive integer, got ${shardBytes}`);
  const shards: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    current.push(file);
    bytes += file.bytes;
    if (bytes >= shardBytes) {
      shards.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) shards.push(current);
  return shards;
}

/** The documents of `files` with their UTF-8 text; a plain-text file is read as bytes and never decoded. */
async function* shardDocuments(files: readonly InputFile[], policy: BadRecordPolicy): AsyncGenerator<{ document: DocumentLabel; utf8: Buffer }> {
  for (const file of files) {
    if (file.format === 'txt') {
      const { id, utf8 } = await readTextFileUtf8(file.path);
      yield { document: { id }, utf8 };
    } else {
      for await (const document of readFileDocuments(file, policy)) yield { document, utf8: Buffer.from(document.text, 'utf8') };
    }
  }
}

/** Reads and filters the files of `job`, writes its two files and returns its statistics. */
export async function runShard(job: ShardJob, vocabulary: WordTable): Promise<ShardStatistics> {
  const statistics = new ShardStatisticsBuilder(vocabulary);
  const paths = shardFiles(job.outDir, job.index);
  // Unique per writer: replicas on other machines (each may be pid 1) can write the same shard at once.
  const temporary = `${paths.spans}.tmp-${randomUUID()}`;
  const output = await open(temporary, 'w');
  try {
    const lines = new SpanLineWriter(output);
    const documents = shardDocuments(job.files, { skipBad: job.skipBad, onBadRecord: (error) => statistics.addBadRecord(error) });
    for await (const { document, utf8 } of documents) {
      const result = spanFilterBytes(utf8, vocabulary, job.filterOptions);
      statistics.add(result, utf8, document);
      await lines.add(document, utf8, result.spans);
    }
    await lines.flush();
  } finally {
    await output.close();
  }
  await rename(temporary, paths.spans);
  const stats = statistics.finish();
  await writeFileAtomic(paths.stats, JSON.stringify(stats));
  return stats;
}
