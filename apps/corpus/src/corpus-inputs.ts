import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { resolveInputFiles, vocabularyHash, writeBundledCorpus } from '@downscale/corpus-io';
import type { CorpusJob } from '@downscale/contracts';
import type { Vocabulary } from '@downscale/simplify';

/** Bump when the preparation changes what it writes, so that older results are not reused. */
export const PREPARATION_VERSION = 1;

/** The files a job reads: its path/glob, or the bundled corpus written out under `scratch`. */
export async function corpusInputFiles(source: string, scratch: string): Promise<string[]> {
  if (source === 'bundled') return writeBundledCorpus(join(scratch, 'bundled'), 'train');
  const files = await resolveInputFiles(source);
  if (files.length === 0) throw new Error(`corpus source ${JSON.stringify(source)} matches no .txt, .jsonl, .jsonl.zst or .parquet file; pass a file, folder or glob, or "bundled"`);
  return files.map((f) => f.path);
}

async function hashFile(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/**
 * What a prepared corpus is, as a hash: the bytes of its inputs, the vocabulary's words, the
 * variant and every setting. Equal hashes mean an equal corpus and tokenizer, so the work is reused.
 */
export async function corpusContentHash(job: CorpusJob, files: readonly string[], vocabulary: Vocabulary | undefined): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      version: PREPARATION_VERSION,
      variant: job.variant,
      filter: job.variant === 'simplified' ? job.filter : null,
      wordBudget: job.variant === 'regular' ? job.wordBudget : null,
      tokenizerVocabSize: job.tokenizerVocabSize,
      skipBad: job.skipBad,
      vocabulary: vocabulary ? vocabularyHash(vocabulary.words) : null,
    }),
  );
  for (const file of [...files].sort()) await hashFile(hash, file);
  return hash.digest('hex');
}
