/**
 * Held-out extrapolation error: fit on the smaller runs, predict the largest, and report
 * how far the prediction lands from the measured loss. This is the test a scaling law is
 * for (predicting the next size up), which in-sample R^2 does not measure.
 */
import { groupByRun } from './bootstrap.js';
import { fitModel, type FitOptions } from './fit.js';
import type { LawModel } from './laws.js';
import { predictLogLoss } from './power-law-objective.js';

export interface ExtrapolationOptions {
  /** How many of the largest runs to hold out (default 1). */
  readonly heldOutRuns?: number;
  readonly fit?: FitOptions;
}

export interface HeldOutPrediction {
  /** Index of the point in the input. */
  readonly index: number;
  readonly actual: number;
  readonly predicted: number;
  /** (predicted - actual) / actual. */
  readonly relativeError: number;
}

export interface ExtrapolationResult<Parameters> {
  /** Parameters fitted on the smaller runs only. */
  readonly parameters: Parameters;
  readonly trainingPoints: number;
  readonly predictions: HeldOutPrediction[];
  readonly meanAbsoluteRelativeError: number;
  readonly maxAbsoluteRelativeError: number;
}

type Point = { readonly loss: number; readonly run?: string };

export function heldOutExtrapolation<P extends Point, Parameters>(
  model: LawModel<P, Parameters>,
  points: readonly P[],
  options: ExtrapolationOptions = {},
): ExtrapolationResult<Parameters> {
  const heldOutRuns = options.heldOutRuns ?? 1;
  // A run's size is its largest point's (a run's checkpoints share N, or grow in D or C).
  const runSize = (group: number[]): number => Math.max(...group.map((i) => model.size(points[i] as P)));
  const groups = groupByRun(points).sort((g, h) => runSize(g) - runSize(h));
  if (groups.length <= heldOutRuns) {
    throw new Error(`held-out extrapolation needs more than ${heldOutRuns} run(s) to hold out, got ${groups.length}`);
  }
  const training = groups.slice(0, groups.length - heldOutRuns).flat();
  const heldOut = groups.slice(groups.length - heldOutRuns).flat().sort((i, j) => i - j);
  const fit = fitModel(model, training.map((i) => points[i] as P), options.fit);

  const predictions = heldOut.map((index) => {
    const point = points[index] as P;
    const logInputs = model.logInputs(point).map((value) => Float64Array.of(value));
    const predicted = Math.exp(predictLogLoss(model.shape, fit.vector, logInputs, 0));
    return { index, actual: point.loss, predicted, relativeError: (predicted - point.loss) / point.loss };
  });
  const sizes = predictions.map((p) => Math.abs(p.relativeError));
  return {
    parameters: fit.parameters,
    trainingPoints: training.length,
    predictions,
    meanAbsoluteRelativeError: sizes.reduce((sum, e) => sum + e, 0) / sizes.length,
    maxAbsoluteRelativeError: Math.max(...sizes),
  };
}
