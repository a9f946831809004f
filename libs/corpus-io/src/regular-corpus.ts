/**
 * The regular control corpus (PAPER.md section 1): the unfiltered documents, in input
 * order, capped at a word budget (normally the `wordsOut` of the simplified corpus), so that
 * both corpora have the same size. The document that crosses the budget is cut after the
 * word that reaches it. Words are counted as the span filter counts them.
 *
 * Output folder, sharded and resumable like simplifyCorpus's: `manifest.json`,
 * `shards/text-NNNNN.jsonl` + `shards/stats-NNNNN.json`, then `documents.jsonl` (one line per
 * document: `{"doc", "text", "words"}` and `subset` when known) and `stats.json`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wordTokens } from '@downscale/simplify';
import { writeFileAtomic } from './atomic-write.js';
import { BadRecordTally, type BadRecordSummary } from './bad-records.js';
import { DEFAULT_SHARD_CHARS, countingDocuments, shardDocuments, type DocumentBatch } from './batches.js';
import type { CorpusDocument } from './documents.js';
import { resolveRunInputs } from './input-files.js';
import { plannedManifest, writeManifest } from './manifest.js';
import { concatenateFiles, prepareOutDir } from './output-folder.js';
import { readInputFiles } from './readers.js';
import { finishedShards, shardFiles } from './shard.js';
import { NO_SUBSET } from './shard-statistics.js';

export const DOCUMENTS_FILE = 'documents.jsonl';
const RECORDS = 'text';

export interface RegularCorpusOptions {
  readonly inputs: string | readonly string[];
  readonly outDir: string;
  /** Words to keep, counted like the span filter counts them. */
  readonly wordBudget: number;
  readonly skipBad?: boolean;
  readonly shardChars?: number;
  /** Also write the single `documents.jsonl` (default true). */
  readonly singleFile?: boolean;
  readonly restart?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { readonly documentsRead: number; readonly charsRead: number; readonly words: number }) => void;
}

/** Counts of one shard of the regular corpus, stored in its stats file. */
interface RegularShardStatistics {
  documents: number;
  words: number;
  /** The budget was reached in this shard: no shard follows. */
  budgetReached: boolean;
  /** The document cut at the budget, if it is in this shard. */
  truncatedDocument: string | null;
  subsets: Record<string, { documents: number; words: number }>;
}

export interface RegularCorpusStats {
  readonly documents: number;
  readonly words: number;
  readonly wordBudget: number;
  /** False when the inputs hold fewer words than the budget. */
  readonly budgetReached: boolean;
  readonly truncatedDocument: string | null;
  readonly subsets: Record<string, { readonly documents: number; readonly words: number }>;
  readonly badRecords: BadRecordSummary;
  readonly shards: number;
  readonly inputs: { readonly files: number; readonly bytes: number };
}

export interface RegularCorpusResult {
  readonly stats: RegularCorpusStats;
  readonly documentsFile: string | undefined;
  readonly statsFile: string;
  readonly shardFiles: string[];
  readonly shardsResumed: number;
}

/** Writes the first `wordBudget` words of `inputs` to `outDir`, resuming an interrupted run there. */
export async function regularCorpus(options: RegularCorpusOptions): Promise<RegularCorpusResult> {
  const { wordBudget, outDir } = options;
  if (!Number.isInteger(wordBudget) || wordBudget < 0) throw new RangeError(`wordBudget must be a non-negative integer, got ${wordBudget}`);
  const shardChars = options.shardChars ?? DEFAULT_SHARD_CHARS;
  const files = await resolveRunInputs(options.inputs, options.outDir);
  const manifest = await plannedManifest('regular', files, { wordBudget, shardChars });
  await prepareOutDir(outDir, manifest, options.restart ?? false);
  const finished = await finishedShards(outDir, RECORDS);

  const badRecords = new BadRecordTally();
  const progress = { documentsRead: 0, charsRead: 0, words: 0 };
  const documents = countingDocuments(readInputFiles(files, { skipBad: options.skipBad ?? false, onBadRecord: (error) => badRecords.add(error) }), progress);
  const shardStats: RegularShardStatistics[] = [];
  let shardsResumed = 0;
  if (wordBudget > 0) {
    for await (const job of shardDocuments(documents, shardChars)) {
      const paths = shardFiles(outDir, job.index, RECORDS);
      let stats: RegularShardStatistics;
      if (finished.has(job.index)) {
        stats = JSON.parse(await readFile(paths.stats, 'utf8')) as RegularShardStatistics;
        shardsResumed++;
      } else {
        const { lines, stats: written } = cutShard(job, wordBudget - progress.words);
        await writeFileAtomic(paths.spans, lines.join(''));
        await writeFileAtomic(paths.stats, JSON.stringify(written));
        stats = written;
      }
      shardStats.push(stats);
      progress.words += stats.words;
      options.onProgress?.({ ...progress });
      if (stats.budgetReached) break;
      options.signal?.throwIfAborted();
    }
  }

  const stats = mergeRegularStatistics(shardStats, wordBudget, badRecords.summary(), {
    files: files.length,
    bytes: manifest.inputs.reduce((sum, input) => sum + input.bytes, 0),
  });
  const shardPaths = shardStats.map((_, index) => shardFiles(outDir, index, RECORDS).spans);
  const documentsFile = options.singleFile === false ? undefined : join(outDir, DOCUMENTS_FILE);
  if (documentsFile) await concatenateFiles(shardPaths, documentsFile);
  const statsFile = join(outDir, 'stats.json');
  await writeFileAtomic(statsFile, `${JSON.stringify(stats, null, 2)}\n`);
  await writeManifest(outDir, { ...manifest, completed: { shards: shardStats.length } });
  return { stats, documentsFile, statsFile, shardFiles: shardPaths, shardsResumed };
}

/** The records of one shard, with at most `wordsLeft` words. */
function cutShard(job: DocumentBatch, wordsLeft: number): { lines: string[]; stats: RegularShardStatistics } {
  const stats: RegularShardStatistics = { documents: 0, words: 0, budgetReached: false, truncatedDocument: null, subsets: {} };
  const lines: string[] = [];
  for (const document of job.documents) {
    const words = wordTokens(document.text);
    const take = Math.min(words.length, wordsLeft - stats.words);
    const text = take === words.length ? document.text : document.text.slice(0, endOfWord(document.text, words, take));
    if (take > 0) {
      lines.push(regularLine(document, text, take));
      stats.documents++;
      stats.words += take;
      const subset = (stats.subsets[document.subset ?? NO_SUBSET] ??= { documents: 0, words: 0 });
      subset.documents++;
      subset.words += take;
    }
    if (take < words.length || stats.words === wordsLeft) {
      stats.budgetReached = true;
      if (take > 0 && take < words.length) stats.truncatedDocument = document.id;
      break;
    }
  }
  return { lines, stats };
}

/**
 * Where word `count` of `text` ends. `words` are the word tokens of `text` in order; only
 * delimiters separate them, so each one is the first match after the end of the one before.
 */
function endOfWord(text: string, words: readonly string[], count: number): number {
  let end = 0;
  for (let i = 0; i < count; i++) {
    const word = words[i] as string;
    end = text.indexOf(word, end) + word.length;
  }
  return end;
}

function regularLine(document: CorpusDocument, text: string, words: number): string {
  const record = document.subset === undefined ? { doc: document.id, text, words } : { doc: document.id, text, words, subset: document.subset };
  return `${JSON.stringify(record)}\n`;
}

function mergeRegularStatistics(
  shards: readonly RegularShardStatistics[],
  wordBudget: number,
  badRecords: BadRecordSummary,
  inputs: RegularCorpusStats['inputs'],
): RegularCorpusStats {
  const subsets: Record<string, { documents: number; words: number }> = {};
  for (const shard of shards) {
    for (const [name, counts] of Object.entries(shard.subsets)) {
      const merged = (subsets[name] ??= { documents: 0, words: 0 });
      merged.documents += counts.documents;
      merged.words += counts.words;
    }
  }
  return {
    documents: shards.reduce((sum, shard) => sum + shard.documents, 0),
    words: shards.reduce((sum, shard) => sum + shard.words, 0),
    wordBudget,
    budgetReached: shards.some((shard) => shard.budgetReached),
    truncatedDocument: shards.find((shard) => shard.truncatedDocument !== null)?.truncatedDocument ?? null,
    subsets: Object.fromEntries(Object.entries(subsets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    badRecords,
    shards: shards.length,
    inputs,
  };
}
