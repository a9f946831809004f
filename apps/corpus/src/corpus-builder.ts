import { join } from 'node:path';
import { readDocuments, regularCorpus, simplifyCorpus, type SimplifyCorpusOptions } from '@downscale/corpus-io';
import type { CorpusJob } from '@downscale/contracts';
import type { Vocabulary } from '@downscale/simplify';
import { trainBpe, writeTokenFile, type BpeTokenizer, type TokenFileSummary } from '@downscale/tokenizer';

export interface BuildProgress {
  phase: 'reading' | 'tokenizer' | 'tokenizing';
  documentsRead: number;
  bytesDone?: number;
  bytesTotal?: number;
}

export interface BuiltCorpus {
  /** stats.json of the simplified or regular corpus. */
  stats: Record<string, unknown>;
  documentsIn: number;
  documentsOut: number;
  wordsIn: number;
  wordsOut: number;
  tokenizer: BpeTokenizer;
  tokens: TokenFileSummary;
}

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENS_FILE = 'tokens.bin';

async function* texts(file: string): AsyncGenerator<string> {
  for await (const document of readDocuments(file)) yield document.text;
}

/**
 * Builds one corpus variant in `dir` (resuming an interrupted build there): the simplified
 * spans or the capped regular documents, a BPE tokenizer trained on them, and the corpus
 * as token ids (each text followed by `</s>`) for the trainer. An aborted `signal` stops it
 * between shards and between phases (rejecting); what is finished stays in `dir` for the next build.
 */
export async function buildCorpus(
  job: CorpusJob,
  files: readonly string[],
  vocabulary: Vocabulary | undefined,
  dir: string,
  options: {
    workers?: number;
    /** Filters the shards elsewhere (the work queue of every replica); see simplifyCorpus. */
    runShard?: SimplifyCorpusOptions['runShard'];
    shardBytes?: number;
    signal?: AbortSignal;
    onProgress?: (p: BuildProgress) => void;
  } = {},
): Promise<BuiltCorpus> {
  const report = (p: Omit<BuildProgress, 'phase'>) =>
    options.onProgress?.({ phase: 'reading', documentsRead: p.documentsRead, ...(p.bytesDone === undefined ? {} : { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }) });
  const textDir = join(dir, 'text');
  let textFile: string;
  let counts: Pick<BuiltCorpus, 'documentsIn' | 'documentsOut' | 'wordsIn' | 'wordsOut'>;
  let stats: Record<string, unknown>;
  if (job.variant === 'simplified') {
    if (!vocabulary) throw new Error('a simplified corpus needs a vocabulary');
    const result = await simplifyCorpus({
      inputs: files,
      vocabulary,
      outDir: textDir,
      ...job.filter,
      skipBad: job.skipBad,
      restart: true,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.runShard ? { runShard: options.runShard } : {}),
      ...(options.shardBytes === undefined ? {} : { shardBytes: options.shardBytes }),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => report({ documentsRead: p.documentsRead, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
    });
    textFile = result.spansFile!;
    stats = { ...result.stats };
    counts = { documentsIn: result.stats.documentsIn, documentsOut: result.stats.documentsOut, wordsIn: result.stats.wordsIn, wordsOut: result.stats.wordsOut };
  } else {
    const result = await regularCorpus({
      inputs: files,
      outDir: textDir,
      wordBudget: job.wordBudget!,
      skipBad: job.skipBad,
      restart: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => report({ documentsRead: p.documentsRead }),
    });
    textFile = result.documentsFile!;
    stats = { ...result.stats };
    counts = { documentsIn: result.stats.documents, documentsOut: result.stats.documents, wordsIn: result.stats.words, wordsOut: result.stats.words };
  }
  options.signal?.throwIfAborted();
  options.onProgress?.({ phase: 'tokenizer', documentsRead: counts.documentsOut });
  const tokenizer = await trainBpe(texts(textFile), { vocabSize: job.tokenizerVocabSize });
  options.signal?.throwIfAborted();
  options.onProgress?.({ phase: 'tokenizing', documentsRead: counts.documentsOut });
  const tokens = await writeTokenFile(join(dir, TOKENS_FILE), tokenizer, texts(textFile));
  return { stats, ...counts, tokenizer, tokens };
}
