/** What every corpus reader yields, and the error it raises for a record it cannot read. */

/** One document of a corpus. */
export interface CorpusDocument {
  /** `.txt`: the file name; `.jsonl`/`.parquet`: the record's `id` field, else `file:line` / `file:row`. */
  readonly id: string;
  readonly text: string;
  /** The source subset (`meta.redpajama_set_name` in SlimPajama), when the record names one. */
  readonly subset?: string;
}

/** Where a bad record is: a line of a JSONL file, a row of a Parquet file, or a byte offset. */
export interface RecordPlace {
  readonly file: string;
  readonly line?: number;
  readonly row?: number;
  /** Byte offset in the (compressed) file, when the file itself is damaged. */
  readonly offset?: number;
}

/**
 * A record or file that cannot be read. The message starts with `file:line`, `file row N` or
 * `file at byte N`, says what is wrong and what to do.
 */
export class CorpusReadError extends Error {
  constructor(
    readonly place: RecordPlace,
    readonly problem: string,
  ) {
    super(`${describePlace(place)}: ${problem}; fix or remove it, or pass skipBad (--skip-bad) to skip and count it`);
    this.name = 'CorpusReadError';
  }
}

export function describePlace(place: RecordPlace): string {
  if (place.line !== undefined) return `${place.file}:${place.line}`;
  if (place.row !== undefined) return `${place.file} row ${place.row}`;
  if (place.offset !== undefined) return `${place.file} at byte ${place.offset}`;
  return place.file;
}

/** What to do with a bad record: throw it (default) or hand it to `onBadRecord` and go on. */
export interface BadRecordPolicy {
  readonly skipBad?: boolean;
  readonly onBadRecord?: (error: CorpusReadError) => void;
}

/** Throws `error`, or reports it when bad records are skipped. */
export function handleBadRecord(error: CorpusReadError, policy: BadRecordPolicy): void {
  if (!policy.skipBad) throw error;
  policy.onBadRecord?.(error);
}
