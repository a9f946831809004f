/**
 * The regular control corpus (PAPER.md section 1): the unfiltered documents, in input
 * order, capped at a budget of words (normally the `wordsOut` of the simplified corpus) or
 * of tokens (counted by the caller's tokenizer), so that both corpora have the same size.
 * Words are counted as the span filter counts them. The document that crosses the budget is
 * cut at a word end: after the word that reaches a word budget, or after the most words
 * whose tokens fit a token budget.
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
  /** Words to keep, counted like the span filter counts them. Give this or `tokenBudget`. */
  readonly wordBudget?: number;
  /** Tokens to keep, counted by `countTokens` (which must be the same when a run resumes). */
  readonly tokenBudget?: number;
  readonly countTokens?: (text: string) => number;
  readonly skipBad?: boolean;
  readonly shardChars?: number;
  /** Also write the single `documents.jsonl` (default true). */
  readonly singleFile?: boolean;
  readonly restart?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { readonly documentsRead: number; readonly charsRead: number; readonly used: number }) => void;
}

/** What the budget counts, and how many. */
export interface RegularCorpusBudget {
  readonly unit: 'words' | 'tokens';
  readonly limit: number;
}

/** Counts of one shard of the regular corpus, stored in its stats file. */
interface RegularShardStatistics {
  documents: number;
  words: number;
  /** In the budget's unit. */
  used: number;
  /** The budget was reached in this shard: no shard follows. */
  budgetReached: boolean;
  /** The document cut at the budget, if it is in this shard. */
  truncatedDocument: string | null;
  subsets: Record<string, { documents: number; words: number }>;
}

export interface RegularCorpusStats {
  readonly documents: number;
  readonly words: number;
  readonly budget: RegularCorpusBudget;
  /** How much of the budget the corpus uses (its words, or its tokens). */
  readonly used: number;
  /** False when the inputs hold less than the budget. */
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

/** Writes the first `wordBudget` words (or `tokenBudget` tokens) of `inputs` to `outDir`, resuming an interrupted run there. */
export async function regularCorpus(options: RegularCorpusOptions): Promise<RegularCorpusResult> {
  const { outDir } = options;
  const budget = resolveBudget(options);
  const measure = measurer(options);
  const shardChars = options.shardChars ?? DEFAULT_SHARD_CHARS;
  const files = await resolveRunInputs(options.inputs, options.outDir);
  const manifest = await plannedManifest('regular', files, { budget, shardChars });
  await prepareOutDir(outDir, manifest, options.restart ?? false);
  const finished = await finishedShards(outDir, RECORDS);

  const badRecords = new BadRecordTally();
  const progress = { documentsRead: 0, charsRead: 0, used: 0 };
  const documents = countingDocuments(readInputFiles(files, { skipBad: options.skipBad ?? false, onBadRecord: (error) => badRecords.add(error) }), progress);
  const shardStats: RegularShardStatistics[] = [];
  let shardsResumed = 0;
  if (budget.limit > 0) {
    for await (const job of shardDocuments(documents, shardChars)) {
      const paths = shardFiles(outDir, job.index, RECORDS);
      let stats: RegularShardStatistics;
      if (finished.has(job.index)) {
        stats = JSON.parse(await readFile(paths.stats, 'utf8')) as RegularShardStatistics;
        shardsResumed++;
      } else {
        const { lines, stats: written } = cutShard(job, budget.limit - progress.used, measure);
        await writeFileAtomic(paths.spans, lines.join(''));
        await writeFileAtomic(paths.stats, JSON.stringify(written));
        stats = written;
      }
      shardStats.push(stats);
      progress.used += stats.used;
      options.onProgress?.({ ...progress });
      if (stats.budgetReached) break;
      options.signal?.throwIfAborted();
    }
  }

  const stats = mergeRegularStatistics(shardStats, budget, badRecords.summary(), {
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

function resolveBudget(options: RegularCorpusOptions): RegularCorpusBudget {
  const { wordBudget, tokenBudget, countTokens } = options;
  if ((wordBudget === undefined) === (tokenBudget === undefined)) throw new TypeError('regularCorpus: give exactly one of wordBudget and tokenBudget');
  if (tokenBudget !== undefined && !countTokens) throw new TypeError('regularCorpus: a tokenBudget needs countTokens, the tokenizer of the simplified corpus');
  const budget: RegularCorpusBudget = wordBudget !== undefined ? { unit: 'words', limit: wordBudget } : { unit: 'tokens', limit: tokenBudget as number };
  if (!Number.isInteger(budget.limit) || budget.limit < 0) throw new RangeError(`regularCorpus: the ${budget.unit} budget must be a non-negative integer, got ${budget.limit}`);
  return budget;
}

/** The size of a text (given its word tokens) in the budget's unit. */
type Measure = (text: string, words: readonly string[]) => number;

function measurer({ countTokens }: RegularCorpusOptions): Measure {
  return countTokens ? (text) => countTokens(text) : (_text, words) => words.length;
}

/** The records of one shard, using at most `left` of the budget. */
function cutShard(job: DocumentBatch, left: number, measure: Measure): { lines: string[]; stats: RegularShardStatistics } {
  const stats: RegularShardStatistics = { documents: 0, words: 0, used: 0, budgetReached: false, truncatedDocument: null, subsets: {} };
  const lines: string[] = [];
  for (const document of job.documents) {
    const words = wordTokens(document.text);
    const size = measure(document.text, words);
    const fits = stats.used + size <= left;
    const kept = fits ? { text: document.text, words: words.length, size } : longestPrefix(document.text, words, left - stats.used, measure);
    if (kept.words > 0) {
      lines.push(regularLine(document, kept.text, kept.words));
      stats.documents++;
      stats.words += kept.words;
      stats.used += kept.size;
      const subset = (stats.subsets[document.subset ?? NO_SUBSET] ??= { documents: 0, words: 0 });
      subset.documents++;
      subset.words += kept.words;
    }
    if (!fits || stats.used === left) {
      stats.budgetReached = true;
      if (!fits && kept.words > 0) stats.truncatedDocument = document.id;
      break;
    }
  }
  return { lines, stats };
}

/** The longest prefix of `text`, ending at a word end, whose size is at most `room`. */
function longestPrefix(text: string, words: readonly string[], room: number, measure: Measure): { text: string; words: number; size: number } {
  const prefix = (count: number): string => text.slice(0, endOfWord(text, words, count));
  // Sizes grow with the words kept, so the longest prefix that fits is found by bisection.
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(prefix(middle), words.slice(0, middle)) <= room) low = middle;
    else high = middle - 1;
  }
  const kept = prefix(low);
  return { text: kept, words: low, size: measure(kept, words.slice(0, low)) };
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
  budget: RegularCorpusBudget,
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
    budget,
    used: shards.reduce((sum, shard) => sum + shard.used, 0),
    budgetReached: shards.some((shard) => shard.budgetReached),
    truncatedDocument: shards.find((shard) => shard.truncatedDocument !== null)?.truncatedDocument ?? null,
    subsets: Object.fromEntries(Object.entries(subsets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    badRecords,
    shards: shards.length,
    inputs,
  };
}
