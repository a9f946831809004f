// What the scaling view draws of the stored fits: the laws per axis, each law's curve over
// its data with the extrapolation beyond it, its confidence band (the stored pointwise band,
// or for fits stored without one a box of the parameters' intervals),
// the compute frontier and the joint law's compute-optimal allocation. Pure: no database.
import { predictJointLoss, predictPurePowerLoss, predictSaturatingLoss } from '@downscale/scaling-laws';

/** One stored version of a fitted law, as the dashboard reads it. */
export interface FitRow {
  id: string;
  /** What loss is fitted against: `params`, `paramsTotal`, `tokens`, `compute` or `params+tokens`. */
  axis: string;
  form: string;
  variant: string;
  version: number;
  inputs: string[];
  parameters: Record<string, number>;
  /** A bound is null where the bootstrap overflowed (JSON has no Infinity). */
  intervals: Record<string, [number | null, number | null]>;
  /** The points the law was fitted on, at its single input (empty for the joint law). */
  points: { x: number; loss: number; runId: string }[];
  runIds: string[];
  r2LogSpace: number | null;
  diagnostics: Record<string, unknown>;
  createdAt: string | null;
}

/** The axes of the single-variable laws, in the order the page shows them. */
export const singleAxes = [
  { axis: 'params', symbol: 'N', label: 'non-embedding parameters N' },
  { axis: 'paramsTotal', symbol: 'N_total', label: 'total parameters (embeddings included)' },
  { axis: 'tokens', symbol: 'D', label: 'tokens trained on D' },
  { axis: 'compute', symbol: 'C', label: 'compute C (FLOPs, 6·N·D)' },
] as const;
export type SingleAxis = (typeof singleAxes)[number]['axis'];
export const jointAxis = 'params+tokens';

/** The formula of a law, written with the axis's symbol. */
export function formula(form: string, symbol: string): string {
  if (form === 'pure-power') return `L(${symbol}) = (${symbol}_c / ${symbol})^α`;
  if (form === 'power-plus-constant') return `L(${symbol}) = E + A / ${symbol}^α`;
  if (form === 'joint-chinchilla') return 'L(N, D) = E + A / N^α + B / D^β';
  return form;
}

/** The law's loss at x; undefined for a form without a single input, or parameters it lacks. */
export function predictAt(form: string, p: Record<string, number>, x: number): number | undefined {
  if (form === 'pure-power' && p.xc !== undefined && p.alpha !== undefined) return predictPurePowerLoss({ xc: p.xc, alpha: p.alpha }, x);
  if (form === 'power-plus-constant' && p.E !== undefined && p.A !== undefined && p.alpha !== undefined) return predictSaturatingLoss({ E: p.E, A: p.A, alpha: p.alpha }, x);
  return undefined;
}

export interface LawCurvePoint {
  x: number;
  y: number;
  /** The band at x; absent where an interval is unbounded. */
  low?: number;
  high?: number;
}

/**
 * The law's confidence band at x: the scaling service's pointwise bootstrap band
 * (`diagnostics.band`, interpolated log-log between its points; undefined outside them), or
 * for a fit stored without one, {@link boxBandAt}.
 */
export function bandAt(fit: Pick<FitRow, 'form' | 'parameters' | 'intervals' | 'diagnostics'>, x: number): [number, number] | undefined {
  const stored = storedBand(fit.diagnostics);
  if (!stored) return boxBandAt(fit, x);
  const above = stored.findIndex((p) => p.x >= x);
  if (above < 0 || (above === 0 && stored[0]!.x > x)) return undefined;
  const b = stored[above]!;
  if (b.x === x) return [b.low, b.high];
  const a = stored[above - 1]!;
  const t = Math.log(x / a.x) / Math.log(b.x / a.x);
  const between = (u: number, v: number) => Math.exp(Math.log(u) + t * (Math.log(v) - Math.log(u)));
  return [between(a.low, b.low), between(a.high, b.high)];
}

/** The stored band's points in order of x, when the diagnostics hold a well-formed one with positive values. */
function storedBand(diagnostics: Record<string, unknown>): { x: number; low: number; high: number }[] | undefined {
  const points = (diagnostics.band as { points?: unknown } | undefined)?.points;
  if (!Array.isArray(points) || points.length < 2) return undefined;
  const valid = points.every((p) => [p?.x, p?.low, p?.high].every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v)) && p.low <= p.high);
  return valid ? [...(points as { x: number; low: number; high: number }[])].sort((a, b) => a.x - b.x) : undefined;
}

/**
 * The lowest and highest loss at x over every corner of the parameters' 95% intervals. Each
 * law is monotone in each parameter at a fixed x, so the corners bound the whole box; the box
 * ignores how the parameters covary, so the band is conservative (fits stored before the
 * pointwise band). Undefined when a bound is unbounded (null).
 */
function boxBandAt(fit: Pick<FitRow, 'form' | 'parameters' | 'intervals'>, x: number): [number, number] | undefined {
  const names = Object.keys(fit.parameters);
  let low = Infinity;
  let high = -Infinity;
  for (let corner = 0; corner < 2 ** names.length; corner++) {
    const p: Record<string, number> = {};
    for (const [i, name] of names.entries()) {
      const interval = fit.intervals[name];
      const bound = interval ? interval[(corner >> i) & 1] : fit.parameters[name];
      if (bound === null || bound === undefined || !Number.isFinite(bound)) return undefined;
      p[name] = bound;
    }
    const y = predictAt(fit.form, p, x);
    if (y === undefined || !Number.isFinite(y)) return undefined;
    low = Math.min(low, y);
    high = Math.max(high, y);
  }
  return low <= high ? [low, high] : undefined;
}

/** Points log-evenly spaced from `from` to `to`, both included. */
function logSpaced(from: number, to: number, steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => from * (to / from) ** (i / steps));
}

/**
 * The law from `from` to `to` (log-evenly spaced), split where its data ends: `fitted` up to
 * the largest x it was fitted on, `extrapolated` beyond it (they share that point), each point
 * with its band where the intervals allow one.
 */
export function lawCurve(fit: FitRow, from: number, to: number, steps = 60): { fitted: LawCurvePoint[]; extrapolated: LawCurvePoint[] } {
  const dataEnd = fit.points.length ? Math.max(...fit.points.map((p) => p.x)) : to;
  const xs = [...new Set([...logSpaced(from, to, steps), dataEnd])].filter((x) => x >= from && x <= to).sort((a, b) => a - b);
  const fitted: LawCurvePoint[] = [];
  const extrapolated: LawCurvePoint[] = [];
  for (const x of xs) {
    const y = predictAt(fit.form, fit.parameters, x);
    if (y === undefined || !Number.isFinite(y) || y <= 0) continue;
    const band = bandAt(fit, x);
    const point: LawCurvePoint = band ? { x, y, low: band[0], high: band[1] } : { x, y };
    if (x <= dataEnd) fitted.push(point);
    if (x >= dataEnd) extrapolated.push(point);
  }
  return { fitted, extrapolated };
}

/** The latest version of each (axis, variant, form), and how many versions each has; `fits` newest version first. */
export function latestVersions(fits: readonly FitRow[]): { latest: FitRow[]; versions: Map<string, number> } {
  const latest = new Map<string, FitRow>();
  const versions = new Map<string, number>();
  for (const fit of fits) {
    const key = fitKey(fit);
    const current = latest.get(key);
    if (!current || fit.version > current.version) latest.set(key, fit);
    versions.set(key, (versions.get(key) ?? 0) + 1);
  }
  const order = (f: FitRow) => [f.axis, f.variant, f.form].join('|');
  return { latest: [...latest.values()].sort((a, b) => order(a).localeCompare(order(b))), versions };
}

export const fitKey = (fit: Pick<FitRow, 'axis' | 'variant' | 'form'>): string => `${fit.axis}|${fit.variant}|${fit.form}`;

/** The joint law's predicted loss at N and D; undefined unless the fit is the joint law. */
export function predictJoint(fit: FitRow, N: number, D: number): number | undefined {
  const { E, A, B, alpha, beta } = fit.parameters;
  if (fit.form !== 'joint-chinchilla' || E === undefined || A === undefined || B === undefined || alpha === undefined || beta === undefined) return undefined;
  return predictJointLoss({ E, A, B, alpha, beta }, N, D);
}

export interface Allocation {
  compute: number;
  N: number;
  D: number;
  loss: number;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * N_opt(C), D_opt(C) as the scaling service stored them with the joint law, or why there are
 * none (its reason, e.g. a non-positive exponent).
 */
export function computeOptimal(fit: FitRow): Allocation[] | { skipped: string } {
  const stored = fit.diagnostics.computeOptimal;
  if (Array.isArray(stored)) {
    return stored.filter((a): a is Allocation => isNumber(a?.compute) && isNumber(a?.N) && isNumber(a?.D) && isNumber(a?.loss));
  }
  const reason = (stored as { skipped?: unknown } | undefined)?.skipped;
  return { skipped: typeof reason === 'string' ? reason : 'the fit stores no compute-optimal allocation' };
}

/** The empirical compute frontier (the lower envelope of loss against compute) stored with a loss-vs-compute fit. */
export function frontier(fit: FitRow): { x: number; loss: number; runId: string }[] {
  const stored = fit.diagnostics.frontier;
  if (!Array.isArray(stored)) return [];
  return stored.filter((p) => isNumber(p?.compute) && isNumber(p?.loss)).map((p) => ({ x: p.compute as number, loss: p.loss as number, runId: String(p.run ?? '') }));
}

/** A fit's points from its stored residuals: where each lies on `axis`, and the loss observed there. */
export function fittedPoints(axis: string, residuals: unknown): FitRow['points'] {
  if (!Array.isArray(residuals) || axis.includes('+')) return [];
  return residuals
    .map((r) => ({ x: (r?.at as Record<string, unknown> | undefined)?.[axis], loss: r?.observed, runId: String(r?.runId ?? '') }))
    .filter((p): p is FitRow['points'][number] => isNumber(p.x) && isNumber(p.loss))
    .sort((a, b) => a.x - b.x);
}
