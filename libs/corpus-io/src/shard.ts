/**
 * One shard of a simplified corpus: a run of consecutive documents, filtered together and
 * written as `shards/spans-NNNNN.jsonl` plus `shards/stats-NNNNN.json`. The stats file is
 * written (atomically) after the spans file, so its presence marks a finished shard.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spanFilter, type SpanFilterOptions } from '@downscale/simplify';
import { writeFileAtomic } from './atomic-write.js';
import type { CorpusDocument } from './documents.js';
import { ShardStatisticsBuilder, type ShardStatistics } from './shard-statistics.js';

export const SHARDS_FOLDER = 'shards';

/** The work of one shard, as sent to a filter worker. */
export interface ShardJob {
  readonly index: number;
  readonly documents: readonly CorpusDocument[];
}

export interface ShardFiles {
  readonly spans: string;
  readonly stats: string;
}

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

/** One line of spans.jsonl: the four fields of the CLI contract, then the source subset. */
export function spanLine(document: CorpusDocument, text: string, words: number, oov: number): string {
  const record = document.subset === undefined ? { doc: document.id, text, words, oov } : { doc: document.id, text, words, oov, subset: document.subset };
  return `${JSON.stringify(record)}\n`;
}

/** Filters the documents of `job`, writes its two files and returns its statistics. */
export async function runShard(
  job: ShardJob,
  vocabulary: ReadonlySet<string>,
  filterOptions: SpanFilterOptions,
  outDir: string,
): Promise<ShardStatistics> {
  const statistics = new ShardStatisticsBuilder();
  const lines: string[] = [];
  for (const document of job.documents) {
    const result = spanFilter(document.text, vocabulary, filterOptions);
    statistics.add(result, document.subset);
    for (const span of result.spans) lines.push(spanLine(document, span.text, span.words, span.oov));
  }
  const stats = statistics.finish();
  const files = shardFiles(outDir, job.index);
  await writeFileAtomic(files.spans, lines.join(''));
  await writeFileAtomic(files.stats, JSON.stringify(stats));
  return stats;
}
