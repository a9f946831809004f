/**
 * The compute-optimal frontier: the lower envelope of loss against compute over every run's
 * training curve, and N_opt(C), D_opt(C) from the joint law under C = 6 N D. The envelope
 * itself works on any scale x (compute, tokens): the best loss any run reached at x.
 *
 * Between its measured points a curve is taken as linear in (log x, loss), the way loss
 * curves are drawn; the envelope is exact for those piecewise-linear curves, crossings
 * between runs included.
 */
import type { JointLawParameters } from './laws.js';
import { predictJointLoss } from './laws.js';

export interface CurvePoint {
  readonly compute: number;
  readonly loss: number;
}

export interface RunCurve {
  readonly run: string;
  readonly points: readonly CurvePoint[];
}

export interface FrontierPoint {
  readonly compute: number;
  readonly loss: number;
  /** The run whose curve is lowest here. */
  readonly run: string;
}

/** A run's loss curve against any positive scale x. */
export interface ScaleCurve {
  readonly run: string;
  readonly points: readonly { readonly x: number; readonly loss: number }[];
}

export interface EnvelopePoint {
  readonly x: number;
  readonly loss: number;
  /** The run whose curve is lowest here. */
  readonly run: string;
}

/** One run's curve between two consecutive envelope knots: loss = intercept + slope * log x. */
interface Segment {
  readonly run: string;
  readonly intercept: number;
  readonly slope: number;
}

const lossOf = (s: Segment, logX: number): number => s.intercept + s.slope * logX;

function sortedCurve(curve: ScaleCurve): { logX: number; loss: number }[] {
  const points = curve.points.map((p) => {
    if (!(p.x > 0) || !Number.isFinite(p.loss)) {
      throw new Error(`run ${curve.run}: the scale must be positive and the loss finite, got ${JSON.stringify(p)}`);
    }
    return { logX: Math.log(p.x), loss: p.loss };
  });
  return points.sort((p, q) => p.logX - q.logX);
}

/** The segment of `curve` covering [from, to], or null when the run does not span it. */
function segmentOver(run: string, curve: { logX: number; loss: number }[], from: number, to: number): Segment | null {
  for (let k = 0; k + 1 < curve.length; k++) {
    const p = curve[k] as { logX: number; loss: number };
    const q = curve[k + 1] as { logX: number; loss: number };
    if (p.logX <= from && q.logX >= to && q.logX > p.logX) {
      const slope = (q.loss - p.loss) / (q.logX - p.logX);
      return { run, intercept: p.loss - slope * p.logX, slope };
    }
  }
  return null;
}

/** Lowest of `segments` at `logX`, ties to the one falling faster (lowest just after). */
function lowestAt(segments: readonly Segment[], logX: number): Segment {
  let best = segments[0] as Segment;
  for (const s of segments) {
    const difference = lossOf(s, logX) - lossOf(best, logX);
    if (difference < -1e-12 || (Math.abs(difference) <= 1e-12 && s.slope < best.slope)) best = s;
  }
  return best;
}

/** The lower envelope of the runs' curves: a knot at every measured x and at every crossing. */
export function lowerEnvelope(runs: readonly ScaleCurve[]): EnvelopePoint[] {
  const curves = runs.map((r) => ({ run: r.run, curve: sortedCurve(r) }));
  const knots = [...new Set(curves.flatMap((c) => c.curve.map((p) => p.logX)))].sort((a, b) => a - b);
  const envelope: EnvelopePoint[] = [];
  const push = (logX: number, loss: number, run: string): void => {
    const last = envelope[envelope.length - 1];
    if (last && Math.abs(Math.log(last.x) - logX) <= 1e-12) return;
    envelope.push({ x: Math.exp(logX), loss, run });
  };

  // Single measured points (runs with one point) count at their own x only.
  const singles = curves.filter((c) => c.curve.length === 1);
  const lowestSingle = (logX: number): { loss: number; run: string } | null => {
    let best: { loss: number; run: string } | null = null;
    for (const c of singles) {
      const p = c.curve[0] as { logX: number; loss: number };
      if (p.logX === logX && (best === null || p.loss < best.loss)) best = { loss: p.loss, run: c.run };
    }
    return best;
  };

  for (let k = 0; k < knots.length; k++) {
    const from = knots[k] as number;
    const to = knots[k + 1];
    const segments = to === undefined ? [] : curves.flatMap((c) => segmentOver(c.run, c.curve, from, to) ?? []);
    // At the knot itself: the lowest of the segments starting here, of curves ending here, and of single points.
    const atKnot = [
      ...segments.map((s) => ({ loss: lossOf(s, from), run: s.run })),
      ...curves.flatMap((c) => {
        const last = c.curve[c.curve.length - 1] as { logX: number; loss: number };
        return c.curve.length > 1 && last.logX === from ? [{ loss: last.loss, run: c.run }] : [];
      }),
      ...(lowestSingle(from) ? [lowestSingle(from) as { loss: number; run: string }] : []),
    ].sort((p, q) => p.loss - q.loss)[0];
    if (atKnot) push(from, atKnot.loss, atKnot.run);
    if (to === undefined || segments.length === 0) continue;

    // Walk the lower envelope of the lines over (from, to), adding each crossing.
    let position = from;
    let current = lowestAt(segments, position);
    for (;;) {
      let next: { at: number; segment: Segment } | null = null;
      for (const s of segments) {
        if (s.slope >= current.slope) continue; // only a faster-falling line can pass below
        const at = (current.intercept - s.intercept) / (s.slope - current.slope);
        if (at > position + 1e-12 && at < to - 1e-12 && (next === null || at < next.at)) next = { at, segment: s };
      }
      if (next === null) break;
      position = next.at;
      current = lowestAt(segments, position);
      push(position, lossOf(current, position), current.run);
    }
  }
  return envelope;
}

/**
 * The points of an envelope that beat every point before them: the best loss reachable with at
 * most x (a run that stopped at x1 still has its loss at any larger budget). Where runs do not
 * overlap, the envelope climbs back at the start of the next run's curve; this never climbs.
 */
export function runningBest(envelope: readonly EnvelopePoint[]): EnvelopePoint[] {
  const best: EnvelopePoint[] = [];
  for (const point of [...envelope].sort((a, b) => a.x - b.x)) {
    if (best.length === 0 || point.loss < (best[best.length - 1] as EnvelopePoint).loss) best.push(point);
  }
  return best;
}

/** The lower envelope of loss against compute. */
export function computeFrontier(runs: readonly RunCurve[]): FrontierPoint[] {
  const envelope = lowerEnvelope(runs.map((r) => ({ run: r.run, points: r.points.map((p) => ({ x: p.compute, loss: p.loss })) })));
  return envelope.map((p) => ({ compute: p.x, loss: p.loss, run: p.run }));
}

export interface ComputeOptimalAllocation {
  readonly compute: number;
  readonly N: number;
  readonly D: number;
  readonly loss: number;
}

/**
 * N_opt(C) and D_opt(C) minimising E + A/N^alpha + B/D^beta subject to C = k N D (k = 6 by
 * default): N_opt = G (C/k)^(beta/(alpha+beta)), D_opt = (C/k)^(alpha/(alpha+beta)) / G,
 * G = (alpha A / (beta B))^(1/(alpha+beta)) (Hoffmann et al. 2022, appendix D.2).
 */
export function computeOptimalAllocation(
  fit: JointLawParameters,
  compute: number,
  flopsPerParameterToken = 6,
): ComputeOptimalAllocation {
  const { A, B, alpha, beta } = fit;
  if (!(alpha > 0 && beta > 0)) {
    throw new Error(`a compute-optimal allocation needs positive exponents, got alpha ${alpha}, beta ${beta}`);
  }
  if (!(compute > 0)) throw new Error(`compute must be positive, got ${compute}`);
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const budget = compute / flopsPerParameterToken;
  const N = G * budget ** (beta / (alpha + beta));
  const D = budget ** (alpha / (alpha + beta)) / G;
  return { compute, N, D, loss: predictJointLoss(fit, N, D) };
}
