/**
 * The one-call fit behind `downscale fit --input points.csv --law ... --json`: the joint law
 * for `joint`, E + A / x^alpha for `C`, `N` or `D`, with bootstrap intervals for every
 * parameter and R^2 in log space. Only the chosen law's parameters appear.
 */
import { bootstrapFit, type Interval } from './bootstrap.js';
import type { LawName } from './csv-input.js';
import { fitModel } from './fit.js';
import { jointLaw, saturatingLaw, type JointPoint, type LawModel, type SingleVariablePoint } from './laws.js';

export interface FitLawOptions {
  /** Bootstrap resamples (default 1000); 0 gives no intervals. */
  readonly bootstrap?: number;
  /** Resampling seed (default 0). */
  readonly seed?: number;
  /** Interval level (default 0.95). */
  readonly level?: number;
}

export interface JointLawSummary {
  readonly E: number;
  readonly A: number;
  readonly B: number;
  readonly alpha: number;
  readonly beta: number;
  readonly intervals: Partial<Record<'E' | 'A' | 'B' | 'alpha' | 'beta', Interval>>;
  readonly r2: number;
}

export interface SingleVariableLawSummary {
  readonly E: number;
  readonly A: number;
  readonly alpha: number;
  readonly intervals: Partial<Record<'E' | 'A' | 'alpha', Interval>>;
  readonly r2: number;
}

export function fitLaw(points: readonly JointPoint[], law: 'joint', options?: FitLawOptions): JointLawSummary;
export function fitLaw(points: readonly SingleVariablePoint[], law: 'C' | 'N' | 'D', options?: FitLawOptions): SingleVariableLawSummary;
export function fitLaw(
  points: readonly (JointPoint | SingleVariablePoint)[],
  law: LawName,
  options: FitLawOptions = {},
): JointLawSummary | SingleVariableLawSummary {
  return law === 'joint'
    ? summarise(jointLaw, points as readonly JointPoint[], options)
    : summarise(saturatingLaw, points as readonly SingleVariablePoint[], options);
}

function summarise<P extends { readonly loss: number; readonly run?: string }, Parameters extends Record<keyof Parameters, number>>(
  model: LawModel<P, Parameters>,
  points: readonly P[],
  options: FitLawOptions,
): Parameters & { intervals: Partial<Record<keyof Parameters & string, Interval>>; r2: number } {
  const resamples = options.bootstrap ?? 1000;
  const fit = fitModel(model, points);
  const intervals =
    resamples > 0
      ? bootstrapFit(model, points, fit, { resamples, seed: options.seed ?? 0, level: options.level ?? 0.95 }).intervals
      : {};
  return { ...fit.parameters, intervals, r2: fit.r2 };
}
