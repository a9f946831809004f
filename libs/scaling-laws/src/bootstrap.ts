/**
 * Bootstrap over runs: resample the runs with replacement (all points of a run together,
 * since a run's checkpoints share its noise), refit, and read percentile intervals off the
 * refitted parameters. A resample is a set of per-point multiplicities, so no data is copied.
 *
 * Refits start from the distinct optima of the full-data fit ("warm", the default) rather
 * than the whole grid: a resample's optimum lies near the full-data one, and this turns a
 * 4,500-start search into a few starts per resample.
 */
import { fitLogSpace, toLogSpace, type FitOptions, type ModelFit } from './fit.js';
import type { LawModel } from './laws.js';
import { seededRandom } from './random.js';

export type Interval = [number, number];

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  readonly resamples?: number;
  /** Seed of the resampling (default 0). */
  readonly seed?: number;
  /** Central interval level (default 0.95). */
  readonly level?: number;
  /** Refit starts: the full fit's distinct optima ('warm', default) or the law's grid. */
  readonly starts?: 'warm' | 'grid';
  readonly fit?: FitOptions;
}

export interface BootstrapResult<Parameters> {
  /** Percentile interval of every parameter. */
  readonly intervals: Record<keyof Parameters & string, Interval>;
  /** Standard deviation of every parameter over the resamples. */
  readonly standardErrors: Record<keyof Parameters & string, number>;
  /** Parameters of each converged refit. */
  readonly samples: Parameters[];
  readonly resamples: number;
  /** Refits that did not converge (left out of the intervals). */
  readonly failed: number;
  readonly groups: number;
}

type Point = { readonly loss: number; readonly run?: string };

/** Point indices of each run; a point without a run is a group of its own. */
export function groupByRun(points: readonly Point[]): number[][] {
  const byRun = new Map<string, number[]>();
  const groups: number[][] = [];
  points.forEach((point, i) => {
    if (point.run === undefined) {
      groups.push([i]);
      return;
    }
    const group = byRun.get(point.run);
    if (group) group.push(i);
    else {
      const created = [i];
      byRun.set(point.run, created);
      groups.push(created);
    }
  });
  return groups;
}

/** Linear-interpolation percentile (numpy's default) of sorted values, q in [0, 1]. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lower = sorted[below] as number;
  return lower + (position - below) * ((sorted[above] as number) - lower);
}

export function bootstrapFit<P extends Point, Parameters extends Record<keyof Parameters, number>>(
  model: LawModel<P, Parameters>,
  points: readonly P[],
  fullFit: ModelFit<Parameters>,
  options: BootstrapOptions = {},
): BootstrapResult<Parameters> {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap level must be between 0 and 1, got ${level}`);
  const data = toLogSpace(model, points);
  const groups = groupByRun(points);
  const random = seededRandom(options.seed ?? 0);
  const starts = options.starts === 'grid' ? undefined : fullFit.optima.length > 0 ? fullFit.optima : [fullFit.vector];
  const weights = new Float64Array(points.length);
  const samples: Parameters[] = [];

  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let g = 0; g < groups.length; g++) {
      for (const i of groups[random.integer(groups.length)] as number[]) weights[i] = (weights[i] as number) + 1;
    }
    const refit = fitLogSpace(model, { ...data, weights }, { ...options.fit, ...(starts ? { starts } : {}) });
    if (refit.converged) samples.push(refit.parameters);
  }

  const names = Object.keys(fullFit.parameters) as (keyof Parameters & string)[];
  const intervals = {} as Record<keyof Parameters & string, Interval>;
  const standardErrors = {} as Record<keyof Parameters & string, number>;
  for (const name of names) {
    const values = samples.map((s) => s[name] as number).sort((a, b) => a - b);
    intervals[name] = [percentile(values, (1 - level) / 2), percentile(values, (1 + level) / 2)];
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    standardErrors[name] = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  }
  return { intervals, standardErrors, samples, resamples, failed: resamples - samples.length, groups: groups.length };
}
