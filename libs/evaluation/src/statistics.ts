/** The uncertainty every result carries, computed as lm-evaluation-harness does. */
import { randomIndex, seededRandom } from './random.js';

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Harness `mean_stderr`: sample standard deviation (n - 1) / sqrt(n); NaN below 2 values. */
export function meanStderr(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - m) ** 2;
  return Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
}

export interface BootstrapInterval {
  readonly low: number;
  readonly high: number;
  /** Coverage, e.g. 0.95. */
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
}

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly level?: number;
  readonly seed?: number;
}

/** Percentile bootstrap interval of the mean of `values` (seeded, so reproducible). */
export function bootstrapInterval(values: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const { resamples = 1000, level = 0.95, seed = 1234 } = options;
  const n = values.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN, level, resamples, seed };
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[randomIndex(random, n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  // Nearest-rank percentiles on the sorted resample means.
  const tail = (1 - level) / 2;
  const at = (q: number): number => means[Math.round(q * (resamples - 1))] as number;
  return { low: at(tail), high: at(1 - tail), level, resamples, seed };
}
