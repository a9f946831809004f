/** What every evaluation result carries (ISSUE 5: n, stderr, bootstrap, chance, majority). */
import { bootstrapInterval, mean, meanStderr, type BootstrapInterval, type BootstrapOptions } from './statistics.js';

export interface AccuracySummary {
  readonly n: number;
  readonly acc: number;
  /** Harness `mean_stderr`: sample std / sqrt(n). */
  readonly accStderr: number;
  readonly accBootstrap: BootstrapInterval;
}

export function summariseAccuracy(correct: readonly number[], bootstrap: BootstrapOptions = {}): AccuracySummary {
  return {
    n: correct.length,
    acc: mean(correct),
    accStderr: meanStderr(correct),
    accBootstrap: bootstrapInterval(correct, bootstrap),
  };
}

/** Share of the most frequent label: what always answering it would score. */
export function majorityLevel(labels: readonly (string | number)[]): number {
  const counts = new Map<string | number, number>();
  let best = 0;
  for (const label of labels) {
    const count = (counts.get(label) ?? 0) + 1;
    counts.set(label, count);
    best = Math.max(best, count);
  }
  return labels.length === 0 ? Number.NaN : best / labels.length;
}
