/**
 * One shard of a simplified corpus: a run of consecutive whole input files, read and
 * filtered together (on a worker thread, or in the main thread with one worker) and written
 * as `shards/spans-NNNNN.jsonl` plus `shards/stats-NNNNN.json`. The spans are streamed to a
 * temporary file, renamed when complete; the stats file is written (atomically) after it, so
 * its presence marks a finished shard.
 */
import { open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { spanFilterBytes, type SpanFilterOptions, type WordTable } from '@downscale/simplify';
import { writeFileAtomic } from './atomic-write.js';
import type { CorpusDocument } from './documents.js';
import type { InputFile } from './input-files.js';
import { readInputFiles } from './readers.js';
import { ShardStatisticsBuilder, type ShardStatistics } from './shard-statistics.js';

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
}

/** Spans are written in pieces of about this many characters. */
const WRITE_CHARS = 1 << 20;

/** Where shard `index` of the corpus in `outDir` is stored; `records` names its JSONL file. */
export function shardFiles(outDir: string, index: number, records = 'spans'): ShardFiles {
  const number = String(index).padStart(5, '0');
  return { spans: join(outDir, SHARDS_FOLDER, `${records}-${number}.jsonl`), stats: join(outDir, SHARDS_FOLDER, `stats-${number}.json`) };
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

/** One line of spans.jsonl: the four fields of the CLI contract, then the source subset. */
export function spanLine(document: CorpusDocument, text: string, words: number, oov: number): string {
  const record = document.subset === undefined ? { doc: document.id, text, words, oov } : { doc: document.id, text, words, oov, subset: document.subset };
  return `${JSON.stringify(record)}\n`;
}

/** Reads and filters the files of `job`, writes its two files and returns its statistics. */
export async function runShard(job: ShardJob, vocabulary: WordTable): Promise<ShardStatistics> {
  const statistics = new ShardStatisticsBuilder(vocabulary);
  const paths = shardFiles(job.outDir, job.index);
  const temporary = `${paths.spans}.tmp-${process.pid}`;
  const output = await open(temporary, 'w');
  try {
    let pending: string[] = [];
    let pendingChars = 0;
    const documents = readInputFiles(job.files, { skipBad: job.skipBad, onBadRecord: (error) => statistics.addBadRecord(error) });
    for await (const document of documents) {
      const bytes = Buffer.from(document.text, 'utf8');
      const result = spanFilterBytes(bytes, vocabulary, job.filterOptions);
      statistics.add(result, bytes, document.subset);
      for (const span of result.spans) {
        const line = spanLine(document, bytes.toString('utf8', span.start, span.end), span.words, span.oov);
        pending.push(line);
        pendingChars += line.length;
      }
      if (pendingChars >= WRITE_CHARS) {
        await output.write(pending.join(''));
        pending = [];
        pendingChars = 0;
      }
    }
    await output.write(pending.join(''));
  } finally {
    await output.close();
  }
  await rename(temporary, paths.spans);
  const stats = statistics.finish();
  await writeFileAtomic(paths.stats, JSON.stringify(stats));
  return stats;
}
