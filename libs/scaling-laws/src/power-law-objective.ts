/**
 * The objective every law here is fitted with: the Huber loss between log L and the
 * log-sum-exp form of a sum of power laws (plus an optional constant),
 *
 *   log L_i  ~  LSE(a_1 - alpha_1 log x_1i, ..., a_k - alpha_k log x_ki [, e])
 *
 * i.e. L = A_1 / x_1^alpha_1 + ... + A_k / x_k^alpha_k [+ E] with A_j = exp(a_j), E = exp(e).
 * The joint Chinchilla law is k = 2 with a constant; E + A / x^alpha is k = 1 with one;
 * the pure power law (x_c / x)^alpha is k = 1 without (then LSE is the single term).
 *
 * Parameter vector layout: [a_1, alpha_1, ..., a_k, alpha_k, e?].
 */
import { huber, huberDerivative } from './huber.js';
import type { Objective } from './lbfgs.js';

/** Fitting data in log space; typed arrays keep the hot loop fast. */
export interface LogSpaceData {
  /** log x_j for each term j, each of the same length as `logLoss`. */
  readonly logInputs: readonly Float64Array[];
  readonly logLoss: Float64Array;
  /**
   * How many times each point counts (a bootstrap resample is a set of multiplicities);
   * absent means once each.
   */
  readonly weights?: Float64Array;
}

export interface PowerLawShape {
  readonly terms: number;
  readonly withConstant: boolean;
}

export function parameterCount(shape: PowerLawShape): number {
  return 2 * shape.terms + (shape.withConstant ? 1 : 0);
}

/** Predicted log L at point `i`; `shares` (if given) receives each term's share of L. */
export function predictLogLoss(
  shape: PowerLawShape,
  parameters: ArrayLike<number>,
  logInputs: readonly Float64Array[],
  i: number,
  shares?: Float64Array,
): number {
  const count = shape.terms + (shape.withConstant ? 1 : 0);
  const exponents = shares ?? new Float64Array(count);
  let max = -Infinity;
  for (let j = 0; j < shape.terms; j++) {
    const t = (parameters[2 * j] as number) - (parameters[2 * j + 1] as number) * ((logInputs[j] as Float64Array)[i] as number);
    exponents[j] = t;
    if (t > max) max = t;
  }
  if (shape.withConstant) {
    const e = parameters[2 * shape.terms] as number;
    exponents[shape.terms] = e;
    if (e > max) max = e;
  }
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (let j = 0; j < count; j++) {
    const share = Math.exp((exponents[j] as number) - max);
    exponents[j] = share;
    sum += share;
  }
  for (let j = 0; j < count; j++) exponents[j] = (exponents[j] as number) / sum;
  return max + Math.log(sum);
}

/**
 * The Huber objective (sum over points, weighted) with its analytic gradient. The loop is
 * written out (no per-point calls or allocations): it runs millions of times in a grid fit.
 */
export function huberObjective(shape: PowerLawShape, data: LogSpaceData, delta: number): Objective {
  const { terms, withConstant } = shape;
  const { logInputs, logLoss, weights } = data;
  const exponents = new Float64Array(terms + 1);
  const coefficients = new Float64Array(terms);
  const slopes = new Float64Array(terms);
  return (parameters, gradient) => {
    gradient.fill(0);
    for (let j = 0; j < terms; j++) {
      coefficients[j] = parameters[2 * j] as number;
      slopes[j] = parameters[2 * j + 1] as number;
    }
    const e = withConstant ? (parameters[2 * terms] as number) : -Infinity;
    let total = 0;
    for (let i = 0; i < logLoss.length; i++) {
      const weight = weights === undefined ? 1 : (weights[i] as number);
      if (weight === 0) continue;
      let max = e;
      for (let j = 0; j < terms; j++) {
        const t = (coefficients[j] as number) - (slopes[j] as number) * ((logInputs[j] as Float64Array)[i] as number);
        exponents[j] = t;
        if (t > max) max = t;
      }
      let sum = 0;
      for (let j = 0; j < terms; j++) {
        const share = Math.exp((exponents[j] as number) - max);
        exponents[j] = share;
        sum += share;
      }
      const constantShare = withConstant ? Math.exp(e - max) : 0;
      sum += constantShare;
      const residual = max + Math.log(sum) - (logLoss[i] as number);
      total += weight * huber(residual, delta);
      // d(pred)/d(a_j) is term j's share of L; d(pred)/d(alpha_j) is minus that times log x_j.
      const pull = (weight * huberDerivative(residual, delta)) / sum;
      for (let j = 0; j < terms; j++) {
        const share = pull * (exponents[j] as number);
        gradient[2 * j] = (gradient[2 * j] as number) + share;
        gradient[2 * j + 1] = (gradient[2 * j + 1] as number) - share * ((logInputs[j] as Float64Array)[i] as number);
      }
      if (withConstant) gradient[2 * terms] = (gradient[2 * terms] as number) + pull * constantShare;
    }
    return total;
  };
}
