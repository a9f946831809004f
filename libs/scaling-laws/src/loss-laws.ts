/**
 * The loss laws of one corpus variant's finished runs, as the scaling service fits them:
 * loss against non-embedding and total parameters (each run's final eval loss); against
 * tokens and compute, on the lower envelope of the runs' eval-loss curves (the best loss any
 * run reached with that many tokens or FLOPs: Kaplan et al.'s L(D) and L(C_min)); and the
 * joint L(N, D) on every curve point. Planning is separate from fitting so that a caller can
 * tell from a plan's points whether the fit would change before paying for it.
 */
import { bootstrapFit, groupByRun, percentile, type Interval } from './bootstrap.js';
import { heldOutExtrapolation } from './extrapolation.js';
import { fitModel } from './fit.js';
import { computeOptimalAllocation, lowerEnvelope, runningBest, type EnvelopePoint } from './frontier.js';
import {
  jointLaw,
  predictPurePowerLoss,
  predictSaturatingLoss,
  purePowerLaw,
  saturatingLaw,
  type JointPoint,
  type LawForm,
  type LawModel,
  type PurePowerLawParameters,
  type SaturatingLawParameters,
  type SingleVariablePoint,
} from './laws.js';
import { evenlySpaced } from './multi-start.js';

/** What loss is fitted against; `params+tokens` is the joint law. */
export type LossAxis = 'params' | 'paramsTotal' | 'tokens' | 'compute' | 'params+tokens';

/** One finished run: its sizes and its eval-loss curve. */
export interface RunLossCurve {
  readonly run: string;
  /** Non-embedding parameters: Kaplan et al.'s N. */
  readonly params: number;
  readonly paramsTotal: number;
  /** Eval-loss points after some training (tokens > 0), in training order; the last is the run's final loss. */
  readonly points: readonly { readonly tokens: number; readonly compute: number; readonly loss: number }[];
}

export interface LossFitSettings {
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
  /** Largest runs held out for the extrapolation check. */
  readonly heldOutRuns: number;
}

type Parameters = Record<string, number>;

interface PlanBase<P extends { readonly loss: number; readonly run?: string }> {
  readonly axis: LossAxis;
  readonly form: LawForm;
  /** The scale variables, named as in the stored fits' `inputs`. */
  readonly inputs: readonly string[];
  readonly model: LawModel<P, Parameters>;
  readonly points: readonly P[];
  /** Why these points are too few for the law, or undefined when they suffice. */
  readonly tooFew: (points: readonly P[]) => string | undefined;
  /** Where a point lies, by input name, for its residual. */
  readonly at: (point: P) => Record<string, number>;
}

export type PlannedLossFit =
  | (PlanBase<SingleVariablePoint> & { readonly kind: 'single'; readonly frontier?: readonly EnvelopePoint[] })
  | (PlanBase<JointPoint> & { readonly kind: 'joint'; readonly computeRange: readonly [number, number] });

export interface LossFitReport {
  readonly axis: LossAxis;
  readonly form: LawForm;
  readonly inputs: string[];
  readonly parameters: Parameters;
  readonly intervals: Record<string, Interval>;
  readonly residuals: { runId: string; observed: number; predicted: number; at: Record<string, number> }[];
  readonly runIds: string[];
  diagnostics: Record<string, unknown>;
}

/** Fewest distinct sizes (x values, for the joint law N values) a law is fitted on: more than its parameters. */
const minimumSizes: Record<LawForm, number> = { 'pure-power': 3, 'power-plus-constant': 4, 'joint-chinchilla': 4 };
/** The joint law's five parameters need D to vary too, and twice as many points as parameters. */
const jointMinimum = { tokenCounts: 3, points: 10 };

const distinct = (values: readonly number[]): number => new Set(values).size;
const singleLaws = [purePowerLaw, saturatingLaw] as unknown as LawModel<SingleVariablePoint, Parameters>[];

function tooFewSizes(form: LawForm, what: string) {
  return (points: readonly SingleVariablePoint[]): string | undefined => {
    const count = distinct(points.map((p) => p.x));
    return count >= minimumSizes[form] ? undefined : `needs ${minimumSizes[form]} distinct ${what}, has ${count}`;
  };
}

/**
 * The fits the runs support, and why each other one is not attempted. Single-variable laws
 * need runs of 3 (pure power) or 4 (with a constant) model sizes; the joint law needs 4 sizes,
 * 3 token counts and 10 curve points.
 */
export function planLossFits(runs: readonly RunLossCurve[]): { planned: PlannedLossFit[]; skipped: string[] } {
  const planned: PlannedLossFit[] = [];
  const skipped: string[] = [];
  const withCurves = runs.filter((r) => r.points.length > 0);
  const sizes = distinct(withCurves.map((r) => r.params));
  const final = withCurves.map((r) => ({ run: r, point: r.points[r.points.length - 1] as RunLossCurve['points'][number] }));
  // The best loss reached with at most x tokens (or FLOPs) by any run: never rising with x.
  const envelope = (x: (p: RunLossCurve['points'][number]) => number) =>
    runningBest(lowerEnvelope(withCurves.map((r) => ({ run: r.run, points: r.points.map((p) => ({ x: x(p), loss: p.loss })) }))));

  // The compute envelope is the empirical compute-optimal frontier, stored with the loss-vs-compute fits.
  const frontier = sizes >= minimumSizes['pure-power'] ? envelope((p) => p.compute) : [];
  const axes: { axis: Exclude<LossAxis, 'params+tokens'>; what: string; points: () => SingleVariablePoint[] }[] = [
    { axis: 'params', what: 'model sizes', points: () => final.map(({ run, point }) => ({ x: run.params, loss: point.loss, run: run.run })) },
    { axis: 'paramsTotal', what: 'model sizes', points: () => final.map(({ run, point }) => ({ x: run.paramsTotal, loss: point.loss, run: run.run })) },
    { axis: 'tokens', what: 'token counts on the envelope', points: () => envelope((p) => p.tokens).map((e) => ({ x: e.x, loss: e.loss, run: e.run })) },
    { axis: 'compute', what: 'compute values on the envelope', points: () => frontier.map((e) => ({ x: e.x, loss: e.loss, run: e.run })) },
  ];

  for (const { axis, what, points } of axes) {
    for (const model of singleLaws) {
      const label = `${model.form} of loss vs ${axis}`;
      // Envelope laws need the sizes too: one run's curve is not a frontier.
      if (sizes < minimumSizes[model.form]) {
        skipped.push(`${label} needs completed runs of ${minimumSizes[model.form]} model sizes, has ${sizes}`);
        continue;
      }
      const data = points();
      const tooFew = tooFewSizes(model.form, what);
      const reason = tooFew(data);
      if (reason) {
        skipped.push(`${label} ${reason}`);
        continue;
      }
      planned.push({
        kind: 'single',
        axis,
        form: model.form,
        inputs: [axis],
        model,
        points: data,
        tooFew,
        at: (p) => ({ [axis]: p.x }),
        ...(axis === 'compute' ? { frontier } : {}),
      });
    }
  }

  const joint: JointPoint[] = withCurves.flatMap((r) => r.points.map((p) => ({ N: r.params, D: p.tokens, loss: p.loss, run: r.run })));
  const jointTooFew = (points: readonly JointPoint[]): string | undefined => {
    const counts = { sizes: distinct(points.map((p) => p.N)), tokenCounts: distinct(points.map((p) => p.D)), points: points.length };
    if (counts.sizes >= minimumSizes['joint-chinchilla'] && counts.tokenCounts >= jointMinimum.tokenCounts && counts.points >= jointMinimum.points) return undefined;
    return `needs ${minimumSizes['joint-chinchilla']} model sizes, ${jointMinimum.tokenCounts} token counts and ${jointMinimum.points} points, has ${counts.sizes}, ${counts.tokenCounts} and ${counts.points}`;
  };
  const jointReason = jointTooFew(joint);
  if (jointReason) skipped.push(`joint-chinchilla L(N, D) ${jointReason}`);
  else {
    const computes = withCurves.flatMap((r) => r.points.map((p) => p.compute));
    planned.push({
      kind: 'joint',
      axis: 'params+tokens',
      form: 'joint-chinchilla',
      inputs: ['params', 'tokens'],
      model: jointLaw as unknown as LawModel<JointPoint, Parameters>,
      points: joint,
      tooFew: jointTooFew,
      at: (p) => ({ params: p.N, tokens: p.D }),
      computeRange: [Math.min(...computes), Math.max(...computes)],
    });
  }
  return { planned, skipped };
}

/** Fits a plan: parameters, bootstrap intervals, R² and residuals in log space, the held-out check, and the frontier. */
/**
 * A fit whose parameters are not finite: e.g. A = exp(alpha log x) past 1e308 when a few tiny
 * runs fall steeply over a narrow range of FLOPs (alpha in the tens). Such a law is not stored.
 */
export class UndeterminedLawError extends Error {
  override name = 'UndeterminedLawError';
}

export function fitPlanned(plan: PlannedLossFit, settings: LossFitSettings): LossFitReport {
  if (plan.kind === 'joint') {
    const { report } = fitWithChecks(plan, settings);
    report.diagnostics['computeOptimal'] = computeOptimal(report.parameters, plan.computeRange);
    return report;
  }
  const { report, samples } = fitWithChecks(plan, settings);
  report.diagnostics['band'] = pointwiseBand(plan, samples, settings.level);
  if (plan.frontier) report.diagnostics['frontier'] = plan.frontier.map((p) => ({ compute: p.x, loss: p.loss, run: p.run }));
  return report;
}

/** How far the stored band reaches beyond the data, in factors of x below and above. */
const BAND_REACH = { below: 10, above: 100 };
const BAND_POINTS = 41;

/**
 * The law's confidence band over x: at each of BAND_POINTS log-spaced x, from a tenth of the
 * smallest fitted x to 100 times the largest (the extrapolation a chart shows), the central
 * `level` interval of the loss predicted by the bootstrap refits. Pointwise, so it keeps how
 * the parameters covary; a box of the parameters' own intervals is far wider.
 */
function pointwiseBand(plan: PlanBase<SingleVariablePoint>, samples: readonly Parameters[], level: number): { level: number; points: { x: number; low: number; high: number }[] } {
  const xs = plan.points.map((p) => p.x);
  const logX = evenlySpaced(Math.log(Math.min(...xs) / BAND_REACH.below), Math.log(Math.max(...xs) * BAND_REACH.above), BAND_POINTS);
  const points = logX.flatMap((log) => {
    const x = Math.exp(log);
    const losses = samples
      .map((p) => (plan.form === 'pure-power' ? predictPurePowerLoss(p as unknown as PurePowerLawParameters, x) : predictSaturatingLoss(p as unknown as SaturatingLawParameters, x)))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return losses.length > 0 ? [{ x, low: percentile(losses, (1 - level) / 2), high: percentile(losses, (1 + level) / 2) }] : [];
  });
  return { level, points };
}

function fitWithChecks<P extends { readonly loss: number; readonly run?: string }>(plan: PlanBase<P>, settings: LossFitSettings): { report: LossFitReport; samples: Parameters[] } {
  const { model, points } = plan;
  const fit = fitModel(model, points);
  const parameters = Object.entries(fit.parameters as Record<string, number>);
  const unrepresentable = parameters.filter(([, value]) => !Number.isFinite(value));
  if (unrepresentable.length > 0) {
    const shown = parameters.map(([name, value]) => `${name}=${value}`).join(', ');
    throw new UndeterminedLawError(
      `${plan.axis} ${plan.form}: no finite value for ${unrepresentable.map(([name]) => name).join(', ')} (${shown}): over this range the loss does not follow a power law a float can hold, so none is stored`,
    );
  }
  // Resampling runs keeps a run's correlated points together; with under 3 runs that is no sample, so points are resampled.
  const over = groupByRun(points).length >= 3 ? 'runs' : 'points';
  const bootstrap = bootstrapFit(model, over === 'runs' ? points : points.map(({ run: _, ...p }) => p as unknown as P), fit, settings);
  const report: LossFitReport = {
    axis: plan.axis,
    form: plan.form,
    inputs: [...plan.inputs],
    parameters: { ...fit.parameters },
    intervals: bootstrap.intervals,
    residuals: points.map((p, i) => ({ runId: p.run ?? '', observed: p.loss, predicted: p.loss / Math.exp(fit.residuals[i] ?? 0), at: plan.at(p) })),
    runIds: [...new Set(points.map((p) => p.run ?? ''))],
    diagnostics: {
      r2LogSpace: fit.r2,
      converged: fit.converged,
      method: 'Huber (delta 1e-3) on log loss, L-BFGS from a grid of starts',
      bootstrap: { over, resamples: bootstrap.resamples, failed: bootstrap.failed, level: settings.level, standardErrors: bootstrap.standardErrors },
      heldOutExtrapolation: extrapolationCheck(plan, settings),
    },
  };
  return { report, samples: bootstrap.samples };
}

/** Fit on all but the largest runs, predict those; attempted only when the smaller runs alone support the law. */
function extrapolationCheck<P extends { readonly loss: number; readonly run?: string }>(plan: PlanBase<P>, settings: LossFitSettings): Record<string, unknown> {
  const size = (group: number[]) => Math.max(...group.map((i) => plan.model.size(plan.points[i] as P)));
  const groups = groupByRun(plan.points).sort((g, h) => size(g) - size(h));
  const training = groups.slice(0, Math.max(0, groups.length - settings.heldOutRuns)).flat().map((i) => plan.points[i] as P);
  const reason = groups.length <= settings.heldOutRuns ? `needs more than ${settings.heldOutRuns} run(s)` : plan.tooFew(training);
  if (reason) return { heldOutRuns: settings.heldOutRuns, skipped: `without the largest run(s) the law ${reason}` };
  const result = heldOutExtrapolation(plan.model, plan.points, { heldOutRuns: settings.heldOutRuns });
  return {
    heldOutRuns: settings.heldOutRuns,
    trainingPoints: result.trainingPoints,
    meanAbsoluteRelativeError: result.meanAbsoluteRelativeError,
    maxAbsoluteRelativeError: result.maxAbsoluteRelativeError,
  };
}

/** N_opt(C), D_opt(C) across the data's compute range and one decade beyond, when the exponents allow it. */
function computeOptimal(parameters: Parameters, [low, high]: readonly [number, number]): unknown {
  const { E, A, B, alpha, beta } = parameters as { E: number; A: number; B: number; alpha: number; beta: number };
  if (!(alpha > 0 && beta > 0)) return { skipped: `needs positive exponents, got alpha ${alpha}, beta ${beta}` };
  return evenlySpaced(Math.log(low), Math.log(high * 10), 6).map((logC) => computeOptimalAllocation({ E, A, B, alpha, beta }, Math.exp(logC)));
}
