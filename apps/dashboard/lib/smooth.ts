// Smoothing of noisy training curves, as TensorBoard does it: an exponential moving average
// with its start-up bias removed, so the first points are not pulled towards zero.
import type { XY } from './downsample';

/** Debiased EMA of y with `weight` in [0, 1): 0 returns the points unchanged, 0.99 smooths hard. */
export function smoothEma(points: readonly XY[], weight: number): XY[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  if (weight === 0) return [...points];
  let average = 0;
  let count = 0;
  return points.map((p) => {
    average = average * weight + (1 - weight) * p.y;
    count++;
    return { x: p.x, y: average / (1 - weight ** count) };
  });
}
