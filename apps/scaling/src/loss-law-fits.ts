import type { CorpusVariant } from '@downscale/contracts';
import {
  bootstrapFit,
  fitModel,
  heldOutExtrapolation,
  purePowerLaw,
  saturatingLaw,
  type LawModel,
  type SingleVariablePoint,
} from '@downscale/scaling-laws';
import type { RunLoss } from './fit-inputs.js';
import type { FitRecord } from './fit-versions.js';

/** Bootstrap settings of the service's fits; part of each fit's settings (and input hash). */
export const serviceFitSettings = { resamples: 400, seed: 0, level: 0.95, heldOutRuns: 1 } as const;

/** Fewest runs of distinct sizes a law is fitted on: more than its parameters, so that it can be wrong. */
const minimumSizes = { 'pure-power': 3, 'power-plus-constant': 4 } as const;

function fitOne<Parameters extends Record<keyof Parameters, number>>(
  model: LawModel<SingleVariablePoint, Parameters>,
  variant: CorpusVariant,
  runs: readonly RunLoss[],
): FitRecord {
  const points = runs.map((r) => ({ x: r.params, loss: r.loss, run: r.runId }));
  const fit = fitModel(model, points);
  const bootstrap = bootstrapFit(model, points, fit, serviceFitSettings);
  const extrapolation = heldOutExtrapolation(model, points, { heldOutRuns: serviceFitSettings.heldOutRuns });
  return {
    form: model.form,
    variant,
    inputs: ['params'],
    parameters: { ...fit.parameters },
    intervals: bootstrap.intervals,
    residuals: runs.map((run, i) => ({ runId: run.runId, observed: run.loss, predicted: run.loss / Math.exp(fit.residuals[i] ?? 0) })),
    runIds: runs.map((r) => r.runId),
    diagnostics: {
      r2LogSpace: fit.r2,
      converged: fit.converged,
      method: 'Huber (delta 1e-3) on log loss, L-BFGS from a grid of starts',
      bootstrap: { resamples: bootstrap.resamples, failed: bootstrap.failed, level: serviceFitSettings.level, standardErrors: bootstrap.standardErrors },
      heldOutExtrapolation: {
        heldOutRuns: serviceFitSettings.heldOutRuns,
        meanAbsoluteRelativeError: extrapolation.meanAbsoluteRelativeError,
        maxAbsoluteRelativeError: extrapolation.maxAbsoluteRelativeError,
      },
    },
    settings: serviceFitSettings,
  };
}

/**
 * The loss laws one corpus variant's completed runs support: loss against non-embedding
 * parameters as a pure power law from 3 sizes, and with an irreducible constant from 4.
 * What cannot be fitted yet is said in `skipped`.
 */
export function lossLawFits(variant: CorpusVariant, runs: readonly RunLoss[]): { records: FitRecord[]; skipped: string[] } {
  const sizes = new Set(runs.map((r) => r.params)).size;
  const records: FitRecord[] = [];
  const skipped: string[] = [];
  const fitIfEnough = <Parameters extends Record<keyof Parameters, number>>(model: LawModel<SingleVariablePoint, Parameters>, needed: number) => {
    if (sizes >= needed) records.push(fitOne(model, variant, runs));
    else skipped.push(`${model.form} needs completed runs of ${needed} model sizes, has ${sizes}`);
  };
  fitIfEnough(purePowerLaw, minimumSizes['pure-power']);
  fitIfEnough(saturatingLaw, minimumSizes['power-plus-constant']);
  return { records, skipped };
}
