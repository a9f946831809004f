/**
 * Multi-start minimisation: run L-BFGS from every start and keep the best converged result,
 * as the Chinchilla fit does over its grid of starting points. The distinct local optima
 * found are kept too: they make cheap, robust starts for bootstrap refits.
 */
import { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type Objective } from './lbfgs.js';

export interface MultiStartResult {
  /** Best converged result; the best of all when none converged (then `converged` is false). */
  readonly best: LbfgsResult;
  readonly starts: number;
  readonly convergedStarts: number;
  /** Distinct converged optima, best first (at most `keepOptima`). */
  readonly optima: readonly Float64Array[];
}

/** Cartesian product of per-coordinate values, in the order given (last coordinate fastest). */
export function gridOfStarts(axes: readonly (readonly number[])[]): Float64Array[] {
  let points: number[][] = [[]];
  for (const axis of axes) points = points.flatMap((prefix) => axis.map((value) => [...prefix, value]));
  return points.map((p) => Float64Array.from(p));
}

/** `count` evenly spaced values from `first` to `last` inclusive. */
export function evenlySpaced(first: number, last: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? first : first + ((last - first) * i) / (count - 1)));
}

function farApart(u: Float64Array, v: Float64Array, tolerance: number): boolean {
  for (let i = 0; i < u.length; i++) if (Math.abs((u[i] as number) - (v[i] as number)) > tolerance) return true;
  return false;
}

export function minimizeFromStarts(
  objective: Objective,
  starts: readonly ArrayLike<number>[],
  options: LbfgsOptions & { readonly keepOptima?: number } = {},
): MultiStartResult {
  if (starts.length === 0) throw new Error('minimizeFromStarts needs at least one starting point');
  const results = starts.map((start) => minimizeLbfgs(objective, start, options));
  const byValue = (p: LbfgsResult, q: LbfgsResult): number => p.value - q.value;
  const converged = results.filter((r) => r.converged && Number.isFinite(r.value)).sort(byValue);
  const finite = results.filter((r) => Number.isFinite(r.value)).sort(byValue);
  const best = converged[0] ?? finite[0] ?? (results[0] as LbfgsResult);

  const keep = options.keepOptima ?? 3;
  const optima: Float64Array[] = [];
  for (const result of converged) {
    if (optima.length >= keep) break;
    if (optima.every((kept) => farApart(kept, result.x, 1e-3))) optima.push(result.x);
  }
  return { best, starts: starts.length, convergedStarts: converged.length, optima };
}
