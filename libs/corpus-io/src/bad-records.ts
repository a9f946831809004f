/** Counts the bad records a run skipped and keeps the first few messages for the report. */
import type { CorpusReadError } from './documents.js';

export interface BadRecordSummary {
  readonly count: number;
  /** The first {@link BAD_RECORD_EXAMPLES} error messages, in reading order. */
  readonly examples: string[];
}

export const BAD_RECORD_EXAMPLES = 20;

export class BadRecordTally {
  private readonly examples: string[] = [];
  count = 0;

  add(error: CorpusReadError): void {
    this.count++;
    if (this.examples.length < BAD_RECORD_EXAMPLES) this.examples.push(error.message);
  }

  summary(): BadRecordSummary {
    return { count: this.count, examples: [...this.examples] };
  }
}
