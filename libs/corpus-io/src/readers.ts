/**
 * Streaming readers for the corpus formats: memory holds one document (one line, one
 * Parquet row group) at a time, never a whole JSONL or Parquet file.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { CorpusReadError, handleBadRecord, type BadRecordPolicy, type CorpusDocument } from './documents.js';
import { resolveInputFiles, type InputFile } from './input-files.js';
import { splitLines } from './lines.js';
import { decompressZstd } from './zstd-stream.js';

export type ReadDocumentsOptions = BadRecordPolicy;

const READ_CHUNK_BYTES = 1 << 20;

/** Every document of `inputs` (files, directories, globs), file by file in sorted path order. */
export async function* readDocuments(inputs: string | readonly string[], options: ReadDocumentsOptions = {}): AsyncGenerator<CorpusDocument> {
  yield* readInputFiles(await resolveInputFiles(inputs), options);
}

/** Every document of the given files, in the given order. */
export async function* readInputFiles(files: readonly InputFile[], options: ReadDocumentsOptions = {}): AsyncGenerator<CorpusDocument> {
  for (const file of files) yield* readFileDocuments(file, options);
}

/** The documents of one corpus file. */
export async function* readFileDocuments(file: InputFile, options: ReadDocumentsOptions = {}): AsyncGenerator<CorpusDocument> {
  try {
    switch (file.format) {
      case 'txt':
        yield await readTextDocument(file.path);
        return;
      case 'jsonl':
        yield* readJsonlDocuments(file.path, createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES }), options);
        return;
      case 'jsonl.zst':
        yield* readJsonlDocuments(file.path, decompressZstd(createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES }), file.path), options);
        return;
      case 'parquet':
        yield* readParquetDocuments(file.path, options);
        return;
    }
  } catch (error) {
    // A damaged file ends that file; with skipBad the next file is read.
    if (error instanceof CorpusReadError) handleBadRecord(error, options);
    else throw error;
  }
}

async function readTextDocument(path: string): Promise<CorpusDocument> {
  const { id, utf8 } = await readTextFileUtf8(path);
  return { id, text: utf8.toString('utf8') };
}

/** UTF-8 of a byte-order mark (U+FEFF). */
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A plain-text file's document as UTF-8 bytes, for a reader that works on bytes: the bytes
 * of the text that reading the file as a string gives (a malformed sequence becomes U+FFFD,
 * a byte-order mark is dropped), without decoding a file that is valid UTF-8.
 */
export async function readTextFileUtf8(path: string): Promise<{ readonly id: string; readonly utf8: Buffer }> {
  const bytes = await readFile(path);
  const valid = isUtf8(bytes) ? bytes : Buffer.from(bytes.toString('utf8'), 'utf8');
  return { id: basename(path), utf8: valid.subarray(0, 3).equals(BYTE_ORDER_MARK) ? valid.subarray(3) : valid };
}

async function* readJsonlDocuments(path: string, bytes: AsyncIterable<Uint8Array>, policy: BadRecordPolicy): AsyncGenerator<CorpusDocument> {
  const name = basename(path);
  for await (const { text, line } of splitLines(bytes)) {
    if (text.trim() === '') continue; // blank lines (a final newline) are layout
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      handleBadRecord(new CorpusReadError({ file: path, line }, `not valid JSON (${(error as Error).message})`), policy);
      continue;
    }
    const document = toDocument(record, `${name}:${line}`);
    if (typeof document === 'string') handleBadRecord(new CorpusReadError({ file: path, line }, document), policy);
    else yield document;
  }
}

/** The document in a JSONL record or Parquet row, or what is wrong with it. */
function toDocument(record: unknown, fallbackId: string): CorpusDocument | string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'expected a JSON object with a "text" field';
  const { text, id, meta } = record as { text?: unknown; id?: unknown; meta?: unknown };
  if (typeof text !== 'string') return text === undefined ? 'the record has no "text" field' : `the "text" field is ${typeof text}, expected a string`;
  const documentId = typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : fallbackId;
  const subset = subsetName(meta);
  return subset === undefined ? { id: documentId, text } : { id: documentId, text, subset };
}

/** `meta.redpajama_set_name`, from an object or (as some Parquet exports store it) a JSON string. */
function subsetName(meta: unknown): string | undefined {
  if (typeof meta === 'string') {
    try {
      return subsetName(JSON.parse(meta));
    } catch {
      return undefined;
    }
  }
  if (typeof meta !== 'object' || meta === null) return undefined;
  const name = (meta as { redpajama_set_name?: unknown }).redpajama_set_name;
  return typeof name === 'string' ? name : undefined;
}

async function* readParquetDocuments(path: string, policy: BadRecordPolicy): AsyncGenerator<CorpusDocument> {
  const name = basename(path);
  const rows = readParquetRows(path, (columnNames) => {
    if (!columnNames.has('text')) throw new CorpusReadError({ file: path }, `the Parquet file has no "text" column (columns: ${[...columnNames].join(', ')})`);
    return ['text', 'id', 'meta'].filter((column) => columnNames.has(column));
  });
  for await (const { row, values } of rows) {
    const document = toDocument(values, `${name}:${row}`);
    if (typeof document === 'string') handleBadRecord(new CorpusReadError({ file: path, row }, document), policy);
    else yield document;
  }
}

/** A Parquet row: its 1-based number in the file and its values by column (INT64 columns as bigint, as hyparquet reads them). */
export interface ParquetRow {
  readonly row: number;
  readonly values: Record<string, unknown>;
}

/**
 * The rows of a Parquet file, one row group in memory at a time. `select` gets the file's
 * column names and returns those to read (default: all); it may throw to refuse the file.
 */
export async function* readParquetRows(path: string, select: (columnNames: ReadonlySet<string>) => string[] = (names) => [...names]): AsyncGenerator<ParquetRow> {
  const file = await asyncBufferFromFile(path);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new CorpusReadError({ file: path, offset: file.byteLength }, `not a readable Parquet file, truncated or damaged (${(error as Error).message})`);
  }
  const columns = select(new Set(parquetSchema(metadata).children.map((child) => child.element.name)));
  let rowStart = 0;
  for (const rowGroup of metadata.row_groups) {
    const rowEnd = rowStart + Number(rowGroup.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file, metadata, columns, rowStart, rowEnd, compressors });
    } catch (error) {
      throw new CorpusReadError({ file: path, row: rowStart + 1 }, `cannot read the row group starting here (${(error as Error).message})`);
    }
    for (const [index, values] of rows.entries()) yield { row: rowStart + index + 1, values };
    rowStart = rowEnd;
  }
}
