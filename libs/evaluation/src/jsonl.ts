/** A JSONL line that could not be read as a task item; names the file and the 1-based line. */
export class TaskFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'TaskFileError';
  }
}

/** One parsed JSONL record and where it came from. */
export interface JsonlRecord {
  readonly value: Record<string, unknown>;
  readonly line: number;
}

/** Parses JSONL text (blank lines skipped); every record must be a JSON object. */
export function parseJsonl(content: string, file: string): JsonlRecord[] {
  const records: JsonlRecord[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const text = (lines[index] as string).trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new TaskFileError(file, index + 1, `not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TaskFileError(file, index + 1, 'expected a JSON object per line');
    }
    records.push({ value: value as Record<string, unknown>, line: index + 1 });
  }
  return records;
}

/** Field accessors that fail with the file and line of the record. */
export class FieldReader {
  constructor(
    private readonly record: JsonlRecord,
    private readonly file: string,
  ) {}

  private fail(reason: string): never {
    throw new TaskFileError(this.file, this.record.line, reason);
  }

  string(field: string): string {
    const value = this.record.value[field];
    if (typeof value !== 'string') this.fail(`field "${field}" must be a string`);
    return value;
  }

  integer(field: string): number {
    let value = this.record.value[field];
    // Hugging Face exports sometimes write labels as strings ("0", "1").
    if (typeof value === 'string' && /^-?\d+$/.test(value)) value = Number(value);
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(`field "${field}" must be an integer`);
    return value;
  }

  strings(field: string, value: unknown = this.record.value[field]): string[] {
    if (!Array.isArray(value) || value.length === 0 || !value.every((entry) => typeof entry === 'string')) {
      this.fail(`field "${field}" must be a non-empty array of strings`);
    }
    return value as string[];
  }

  object(field: string): Record<string, unknown> {
    const value = this.record.value[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`field "${field}" must be an object`);
    return value as Record<string, unknown>;
  }

  /** The id in `field` if present, else `file:line`. */
  id(field = 'id'): string {
    const value = this.record.value[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    return `${this.file}:${this.record.line}`;
  }

  /** Fails unless 0 <= index < count. */
  checkIndex(field: string, index: number, count: number): number {
    if (index < 0 || index >= count) this.fail(`field "${field}" = ${index} is out of range for ${count} choices`);
    return index;
  }

  raise(reason: string): never {
    this.fail(reason);
  }
}
