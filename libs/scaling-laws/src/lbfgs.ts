/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", algorithms 7.4 and 7.5)
 * with a strong-Wolfe line search (algorithms 3.5 and 3.6, cubic interpolation).
 *
 * Our own because no maintained, dependency-free L-BFGS is on the npm registry: the
 * candidates there either pull in build tools at run time (optimization-js) or offer only
 * dense BFGS / conjugate gradients and are unmaintained (numeric, fmin).
 */

/** Returns f(x) and writes the gradient of f at x into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Correction pairs kept (default 10, as scipy). */
  readonly memory?: number;
  /** Default 1000. */
  readonly maxIterations?: number;
  /** Converged when the largest absolute gradient component is at most this (default 1e-9). */
  readonly gradientTolerance?: number;
  /** Converged when an iteration lowers f by at most this fraction of |f| (default 1e-13). */
  readonly functionTolerance?: number;
  /**
   * A line search that can no longer lower f while the largest gradient component is at
   * most this has reached the floating-point floor: counted as converged (default 1e-6).
   */
  readonly stalledGradientTolerance?: number;
}

export type LbfgsStopReason = 'gradient' | 'function' | 'max-iterations' | 'line-search';

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  /** Largest absolute gradient component at `x`. */
  readonly gradientNorm: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** True when a gradient or function tolerance was met, or the search stalled at a tiny gradient. */
  readonly converged: boolean;
  readonly reason: LbfgsStopReason;
}

const ARMIJO = 1e-4;
const CURVATURE = 0.9;
const MAX_LINE_SEARCH_EVALUATIONS = 40;

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += (u[i] as number) * (v[i] as number);
  return sum;
}

function maxAbs(v: Float64Array): number {
  let max = 0;
  for (const value of v) max = Math.max(max, Math.abs(value));
  return max;
}

/** Minimum of the cubic through (a, fa, da) and (b, fb, db), or NaN when it has none. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const radicand = d1 * d1 - da * db;
  if (!(radicand >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(radicand);
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
}

/** One point on the search line: step, value and directional derivative. */
interface LinePoint {
  step: number;
  value: number;
  slope: number;
}

/**
 * Evaluates f along x + step * direction, leaving the last evaluated point and its
 * gradient in `trialX` / `trialGradient`.
 */
class SearchLine {
  evaluations = 0;
  lastStep = Number.NaN;

  constructor(
    private readonly objective: Objective,
    private readonly x: Float64Array,
    private readonly direction: Float64Array,
    readonly trialX: Float64Array,
    readonly trialGradient: Float64Array,
  ) {}

  at(step: number): LinePoint {
    for (let i = 0; i < this.x.length; i++) {
      this.trialX[i] = (this.x[i] as number) + step * (this.direction[i] as number);
    }
    const value = this.objective(this.trialX, this.trialGradient);
    this.evaluations++;
    this.lastStep = step;
    return { step, value, slope: dot(this.trialGradient, this.direction) };
  }
}

/**
 * Strong-Wolfe line search. Returns the accepted step (its point and gradient are left in
 * the line's trial buffers), or null when no step lowers f enough.
 */
function strongWolfeSearch(line: SearchLine, start: LinePoint, firstStep: number): LinePoint | null {
  const sufficient = (p: LinePoint): boolean =>
    Number.isFinite(p.value) && p.value <= start.value + ARMIJO * p.step * start.slope;
  const flatEnough = (p: LinePoint): boolean => Math.abs(p.slope) <= -CURVATURE * start.slope;

  const zoom = (lowIn: LinePoint, highIn: LinePoint): LinePoint | null => {
    let low = lowIn;
    let high = highIn;
    while (line.evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
      const width = high.step - low.step;
      if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(low.step))) break;
      let step = Number.isFinite(high.value) && Number.isFinite(high.slope)
        ? cubicMinimizer(low.step, low.value, low.slope, high.step, high.value, high.slope)
        : Number.NaN;
      const lower = Math.min(low.step, high.step) + 0.1 * Math.abs(width);
      const upper = Math.max(low.step, high.step) - 0.1 * Math.abs(width);
      if (!(step >= lower && step <= upper)) step = low.step + 0.5 * width;
      const trial = line.at(step);
      if (!sufficient(trial) || trial.value >= low.value) {
        high = trial;
      } else {
        if (flatEnough(trial)) return trial;
        if (trial.slope * (high.step - low.step) >= 0) high = low;
        low = trial;
      }
    }
    // Out of evaluations: the low end still lowers f (it met the Armijo condition) if it moved.
    if (low.step === 0) return null;
    return line.lastStep === low.step ? low : line.at(low.step);
  };

  let previous = start;
  let step = firstStep;
  for (let i = 0; line.evaluations < MAX_LINE_SEARCH_EVALUATIONS; i++) {
    const trial = line.at(step);
    if (!sufficient(trial) || (i > 0 && trial.value >= previous.value)) return zoom(previous, trial);
    if (flatEnough(trial)) return trial;
    if (trial.slope >= 0) return zoom(trial, previous);
    previous = trial;
    step *= 2;
  }
  return null;
}

/** Minimises `objective` from `start`; never throws on a non-finite value, it backtracks. */
export function minimizeLbfgs(objective: Objective, start: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const functionTolerance = options.functionTolerance ?? 1e-13;
  const stalledGradientTolerance = options.stalledGradientTolerance ?? 1e-6;
  const n = start.length;

  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value)) {
    return { x, value, gradientNorm: Number.NaN, iterations: 0, evaluations, converged: false, reason: 'line-search' };
  }
  let trialX = new Float64Array(n);
  let trialGradient = new Float64Array(n);
  const direction = new Float64Array(n);
  const steps: Float64Array[] = [];
  const gradientChanges: Float64Array[] = [];
  const curvatures: number[] = [];
  const coefficients = new Float64Array(memory);

  const finish = (iterations: number, reason: LbfgsStopReason): LbfgsResult => ({
    x,
    value,
    gradientNorm: maxAbs(gradient),
    iterations,
    evaluations,
    converged:
      reason === 'gradient' || reason === 'function' || (reason === 'line-search' && maxAbs(gradient) <= stalledGradientTolerance),
    reason,
  });

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= gradientTolerance) return finish(iteration, 'gradient');

    // Two-loop recursion: direction = -H gradient.
    direction.set(gradient);
    for (let k = steps.length - 1; k >= 0; k--) {
      const c = dot(steps[k] as Float64Array, direction) / (curvatures[k] as number);
      coefficients[k] = c;
      const y = gradientChanges[k] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - c * (y[i] as number);
    }
    const newest = steps.length - 1;
    const scale = newest >= 0
      ? (curvatures[newest] as number) / dot(gradientChanges[newest] as Float64Array, gradientChanges[newest] as Float64Array)
      : 1;
    for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * scale;
    for (let k = 0; k < steps.length; k++) {
      const y = gradientChanges[k] as Float64Array;
      const b = dot(y, direction) / (curvatures[k] as number);
      const s = steps[k] as Float64Array;
      const c = coefficients[k] as number;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + (c - b) * (s[i] as number);
    }
    for (let i = 0; i < n; i++) direction[i] = -(direction[i] as number);

    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // The quasi-Newton direction went uphill (numerical trouble): restart from steepest descent.
      steps.length = gradientChanges.length = curvatures.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
      slope = dot(gradient, direction);
    }
    // Without curvature information the first step is scaled to move x by about 1.
    const firstStep = steps.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;

    const line = new SearchLine(objective, x, direction, trialX, trialGradient);
    const accepted = strongWolfeSearch(line, { step: 0, value, slope }, firstStep);
    evaluations += line.evaluations;
    if (accepted === null) return finish(iteration, 'line-search');

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (trialX[i] as number) - (x[i] as number);
      y[i] = (trialGradient[i] as number) - (gradient[i] as number);
    }
    const previousValue = value;
    [x, trialX] = [trialX, x];
    [gradient, trialGradient] = [trialGradient, gradient];
    value = accepted.value;

    const curvature = dot(s, y);
    // Keep only pairs with positive curvature so the inverse-Hessian estimate stays positive definite.
    if (curvature > 1e-12 * dot(y, y)) {
      if (steps.length === memory) {
        steps.shift();
        gradientChanges.shift();
        curvatures.shift();
      }
      steps.push(s);
      gradientChanges.push(y);
      curvatures.push(curvature);
    }
    if (previousValue - value <= functionTolerance * Math.max(Math.abs(previousValue), Math.abs(value), Number.MIN_VALUE)) {
      return finish(iteration + 1, maxAbs(gradient) <= gradientTolerance ? 'gradient' : 'function');
    }
  }
  return finish(maxIterations, 'max-iterations');
}
