/**
 * Fits a {@link LawModel} to points the Chinchilla way: Huber loss (delta 1e-3 by default)
 * on log L, L-BFGS from every start of the law's grid, best converged result kept; then
 * goodness of fit in log space.
 */
import type { LbfgsOptions } from './lbfgs.js';
import type { LawModel } from './laws.js';
import { minimizeFromStarts } from './multi-start.js';
import { huberObjective, predictLogLoss, type LogSpaceData } from './power-law-objective.js';

export const DEFAULT_HUBER_DELTA = 1e-3;

export interface FitOptions {
  /** Huber threshold on log-loss residuals (default 1e-3, as published). */
  readonly delta?: number;
  /** Starting parameter vectors; default: the law's grid. */
  readonly starts?: readonly ArrayLike<number>[];
  readonly lbfgs?: LbfgsOptions;
}

export interface ModelFit<Parameters> {
  readonly parameters: Parameters;
  /** Raw parameter vector (log coefficients and exponents), a start for later refits. */
  readonly vector: Float64Array;
  /** Huber objective at the optimum (sum over points). */
  readonly objective: number;
  /** Whether the best result met L-BFGS's convergence tolerances. */
  readonly converged: boolean;
  readonly starts: number;
  readonly convergedStarts: number;
  /** Distinct converged optima, best first: warm starts for bootstrap refits. */
  readonly optima: readonly Float64Array[];
  /** 1 - SS_res / SS_tot of log L. */
  readonly r2: number;
  /** log L - predicted log L, in input order. */
  readonly residuals: number[];
}

type Point = { readonly loss: number; readonly run?: string };

/** Converts points to the log-space arrays the objective reads; refuses non-positive values. */
export function toLogSpace<P extends Point>(model: LawModel<P, unknown>, points: readonly P[]): LogSpaceData {
  const terms = model.shape.terms;
  const logInputs = Array.from({ length: terms }, () => new Float64Array(points.length));
  const logLoss = new Float64Array(points.length);
  points.forEach((point, i) => {
    const logs = model.logInputs(point);
    logs.forEach((value, j) => {
      if (!Number.isFinite(value)) {
        throw new Error(`point ${i + 1}: every scale value must be a positive finite number (${JSON.stringify(point)})`);
      }
      (logInputs[j] as Float64Array)[i] = value;
    });
    if (!(point.loss > 0) || !Number.isFinite(point.loss)) {
      throw new Error(`point ${i + 1}: loss must be a positive finite number, got ${point.loss}`);
    }
    logLoss[i] = Math.log(point.loss);
  });
  return { logInputs, logLoss };
}

/** Log-space residuals and R^2 of parameter vector `vector` on `data` (weights ignored). */
export function goodnessOfFit(
  model: LawModel<Point, unknown>,
  vector: ArrayLike<number>,
  data: LogSpaceData,
): { r2: number; residuals: number[] } {
  const n = data.logLoss.length;
  const residuals = Array.from(
    { length: n },
    (_, i) => (data.logLoss[i] as number) - predictLogLoss(model.shape, vector, data.logInputs, i),
  );
  const mean = data.logLoss.reduce((sum, y) => sum + y, 0) / n;
  const total = data.logLoss.reduce((sum, y) => sum + (y - mean) ** 2, 0);
  const unexplained = residuals.reduce((sum, r) => sum + r * r, 0);
  return { r2: total > 0 ? 1 - unexplained / total : Number.NaN, residuals };
}

/** Fits `model` to log-space data (possibly weighted); the core of fitModel and the bootstrap. */
export function fitLogSpace<P extends Point, Parameters>(
  model: LawModel<P, Parameters>,
  data: LogSpaceData,
  options: FitOptions = {},
): ModelFit<Parameters> {
  const parameterCount = 2 * model.shape.terms + (model.shape.withConstant ? 1 : 0);
  if (data.logLoss.length < parameterCount) {
    throw new Error(`a ${model.form} fit needs at least ${parameterCount} points, got ${data.logLoss.length}`);
  }
  const objective = huberObjective(model.shape, data, options.delta ?? DEFAULT_HUBER_DELTA);
  const starts = options.starts ?? model.defaultStarts(data.logInputs, data.logLoss);
  const search = minimizeFromStarts(objective, starts, options.lbfgs);
  const { best } = search;
  return {
    parameters: model.parameters(best.x),
    vector: best.x,
    objective: best.value,
    converged: best.converged,
    starts: search.starts,
    convergedStarts: search.convergedStarts,
    optima: search.optima,
    ...goodnessOfFit(model, best.x, data),
  };
}

export function fitModel<P extends Point, Parameters>(
  model: LawModel<P, Parameters>,
  points: readonly P[],
  options: FitOptions = {},
): ModelFit<Parameters> {
  return fitLogSpace(model, toLogSpace(model, points), options);
}
