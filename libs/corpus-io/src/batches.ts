/** Cuts a document stream into batches of consecutive documents, the same way on every run. */
import type { CorpusDocument } from './documents.js';

/** Consecutive documents, numbered from 0. */
export interface DocumentBatch {
  readonly index: number;
  readonly documents: readonly CorpusDocument[];
}

/** Default shard size: about 16 MB of text, a few seconds of filtering on one core. */
export const DEFAULT_SHARD_CHARS = 16 * 1024 * 1024;

/**
 * Shards of `documents`: a shard closes once it holds `shardChars` characters (each document
 * also counts 1, so empty ones cannot pile up). Documents are never split. The cut depends
 * only on the document sequence, so shard N of a resumed run is shard N of the first run.
 */
export async function* shardDocuments(documents: AsyncIterable<CorpusDocument>, shardChars: number): AsyncGenerator<DocumentBatch> {
  if (!Number.isInteger(shardChars) || shardChars < 1) throw new RangeError(`shardChars must be a positive integer, got ${shardChars}`);
  let index = 0;
  let batch: CorpusDocument[] = [];
  let chars = 0;
  for await (const document of documents) {
    batch.push(document);
    chars += document.text.length + 1;
    if (chars >= shardChars) {
      yield { index: index++, documents: batch };
      batch = [];
      chars = 0;
    }
  }
  if (batch.length > 0) yield { index, documents: batch };
}

/** Passes `documents` through, counting them and their characters into `progress`. */
export async function* countingDocuments<T extends { readonly text: string }>(
  documents: AsyncIterable<T>,
  progress: { documentsRead: number; charsRead: number },
): AsyncGenerator<T> {
  for await (const document of documents) {
    progress.documentsRead++;
    progress.charsRead += document.text.length;
    yield document;
  }
}
