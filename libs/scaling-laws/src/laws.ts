/**
 * The three laws of loss against scale, each described once as a {@link LawModel}: how its
 * points map to log-space fitting data, how its parameter vector reads, and where its
 * multi-start search begins. Fitting, bootstrap and extrapolation work on any model.
 */
import { evenlySpaced, gridOfStarts } from './multi-start.js';
import type { PowerLawShape } from './power-law-objective.js';

/** A final (or checkpoint) loss of a run with N parameters trained on D tokens. */
export interface JointPoint {
  readonly N: number;
  readonly D: number;
  readonly loss: number;
  /** Points of one run are resampled together by the bootstrap; absent: each point alone. */
  readonly run?: string;
}

/** A loss against one scale variable x (parameters N, tokens D or compute C). */
export interface SingleVariablePoint {
  readonly x: number;
  readonly loss: number;
  readonly run?: string;
}

/** L(N, D) = E + A / N^alpha + B / D^beta. */
export interface JointLawParameters {
  readonly E: number;
  readonly A: number;
  readonly B: number;
  readonly alpha: number;
  readonly beta: number;
}

/** L(x) = E + A / x^alpha. */
export interface SaturatingLawParameters {
  readonly E: number;
  readonly A: number;
  readonly alpha: number;
}

/** L(x) = (x_c / x)^alpha. */
export interface PurePowerLawParameters {
  readonly xc: number;
  readonly alpha: number;
}

/** Names as in the `fit.updated` contract's `form`. */
export type LawForm = 'joint-chinchilla' | 'power-plus-constant' | 'pure-power';

export interface LawModel<Point extends { readonly loss: number; readonly run?: string }, Parameters> {
  readonly form: LawForm;
  readonly shape: PowerLawShape;
  /** log of each scale variable of `point`, in term order. */
  logInputs(point: Point): number[];
  /** Reads a fitted parameter vector. */
  parameters(vector: ArrayLike<number>): Parameters;
  /** The parameter vector of `parameters` (inverse of `parameters`). */
  vector(parameters: Parameters): Float64Array;
  /** The scale by which runs are ordered for held-out extrapolation (largest held out). */
  size(point: Point): number;
  /**
   * Starting parameter vectors of the multi-start search; the data lets a law derive them
   * from the points (the pure power law starts from its least-squares line).
   */
  defaultStarts(logInputs: readonly Float64Array[], logLoss: Float64Array): Float64Array[];
}

const step = (first: number, last: number, by: number): number[] => evenlySpaced(first, last, Math.round((last - first) / by) + 1);

/**
 * The published grid (Besiroglu et al. 2024): alpha, beta in {0, 0.5, ..., 2};
 * e in {-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}: 4,500 starts.
 */
export const CHINCHILLA_GRID = {
  exponents: step(0, 2, 0.5),
  logE: step(-1, 1, 0.5),
  logCoefficients: step(0, 25, 5),
} as const;

export const jointLaw: LawModel<JointPoint, JointLawParameters> = {
  form: 'joint-chinchilla',
  shape: { terms: 2, withConstant: true },
  logInputs: (p) => [Math.log(p.N), Math.log(p.D)],
  parameters: (v) => ({
    E: Math.exp(v[4] as number),
    A: Math.exp(v[0] as number),
    B: Math.exp(v[2] as number),
    alpha: v[1] as number,
    beta: v[3] as number,
  }),
  vector: (p) => Float64Array.of(Math.log(p.A), p.alpha, Math.log(p.B), p.beta, Math.log(p.E)),
  size: (p) => p.N,
  defaultStarts: () => {
    const { exponents, logE, logCoefficients } = CHINCHILLA_GRID;
    // Grid axes in vector order [a, alpha, b, beta, e].
    return gridOfStarts([logCoefficients, exponents, logCoefficients, exponents, logE]);
  },
};

export const saturatingLaw: LawModel<SingleVariablePoint, SaturatingLawParameters> = {
  form: 'power-plus-constant',
  shape: { terms: 1, withConstant: true },
  logInputs: (p) => [Math.log(p.x)],
  parameters: (v) => ({ E: Math.exp(v[2] as number), A: Math.exp(v[0] as number), alpha: v[1] as number }),
  vector: (p) => Float64Array.of(Math.log(p.A), p.alpha, Math.log(p.E)),
  size: (p) => p.x,
  defaultStarts: () => {
    const { exponents, logE, logCoefficients } = CHINCHILLA_GRID;
    return gridOfStarts([logCoefficients, exponents, logE]);
  },
};

/** Ordinary least squares of log L on log x: [intercept, -slope] = [a, alpha]. */
function logLinearLeastSquares(logX: Float64Array, logLoss: Float64Array): Float64Array {
  const n = logX.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += (logX[i] as number) / n;
    meanY += (logLoss[i] as number) / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (logX[i] as number) - meanX;
    sxy += dx * ((logLoss[i] as number) - meanY);
    sxx += dx * dx;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return Float64Array.of(meanY - slope * meanX, -slope);
}

export const purePowerLaw: LawModel<SingleVariablePoint, PurePowerLawParameters> = {
  form: 'pure-power',
  shape: { terms: 1, withConstant: false },
  logInputs: (p) => [Math.log(p.x)],
  // L = exp(a) x^-alpha = (x_c / x)^alpha with x_c = exp(a / alpha).
  parameters: (v) => ({ xc: Math.exp((v[0] as number) / (v[1] as number)), alpha: v[1] as number }),
  vector: (p) => Float64Array.of(p.alpha * Math.log(p.xc), p.alpha),
  size: (p) => p.x,
  // Huber regression is convex here: the least-squares line is a start close to its optimum.
  defaultStarts: (logInputs, logLoss) => [logLinearLeastSquares(logInputs[0] as Float64Array, logLoss)],
};

/** Loss predicted by the joint law. */
export function predictJointLoss(p: JointLawParameters, N: number, D: number): number {
  return p.E + p.A / N ** p.alpha + p.B / D ** p.beta;
}

export function predictSaturatingLoss(p: SaturatingLawParameters, x: number): number {
  return p.E + p.A / x ** p.alpha;
}

export function predictPurePowerLoss(p: PurePowerLawParameters, x: number): number {
  return (p.xc / x) ** p.alpha;
}
