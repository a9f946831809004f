/**
 * The records of a task file, whichever way it was exported from the Hugging Face datasets:
 * JSONL (one JSON object per line) or Parquet (one record per row, read with corpus-io's
 * Parquet reader, a row group at a time). A record's `line` is its 1-based line (JSONL) or
 * row (Parquet), which errors name.
 */
import { readFile } from 'node:fs/promises';
import { readParquetRows } from '@downscale/corpus-io';
import { parseJsonl, TaskFileError, type JsonlRecord } from './jsonl.js';

/** Parquet INT64 columns (labels, ids) come as bigint: as numbers, like JSON's. Lists and structs are kept, converted inside. */
function jsonLike(value: unknown, file: string, row: number): unknown {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new TaskFileError(file, row, `the integer ${value} is too large for a label or id`);
    return Number(value);
  }
  if (Array.isArray(value)) return value.map((entry) => jsonLike(entry, file, row));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, jsonLike(entry, file, row)]));
  }
  return value;
}

export async function readTaskRecords(file: string): Promise<JsonlRecord[]> {
  if (!file.endsWith('.parquet')) return parseJsonl(await readFile(file, 'utf8'), file);
  const records: JsonlRecord[] = [];
  for await (const { row, values } of readParquetRows(file)) records.push({ value: jsonLike(values, file, row) as Record<string, unknown>, line: row });
  return records;
}
