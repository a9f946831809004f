import { createHash } from 'node:crypto';
import type { CorpusVariant } from '@downscale/contracts';
import { runInTransaction, ScalingFit } from '@downscale/persistence';
import type { LossFitReport, LossFitSettings, PlannedLossFit } from '@downscale/scaling-laws';
import type { DataSource, EntityManager } from 'typeorm';

/** Which law of which experiment variant: versions are numbered per key. */
export interface FitKey {
  experimentId: string;
  axis: string;
  form: string;
  variant: CorpusVariant;
}

/** What decides a fit: its law, points and settings. Computed before fitting, so unchanged inputs cost no fit. */
export function inputHash(variant: CorpusVariant, plan: PlannedLossFit, settings: { fit: LossFitSettings; source: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([plan.axis, plan.form, variant, plan.points, settings]))
    .digest('hex');
}

export function latestFit(manager: EntityManager, key: FitKey): Promise<ScalingFit | null> {
  return manager.findOne(ScalingFit, { where: { ...key }, order: { version: 'DESC' } });
}

/**
 * Stores a fit as the next version of its key, unless the latest version has the same input
 * hash (another replica stored it meanwhile): then that one is returned and nothing is written.
 */
export async function saveFitVersion(
  dataSource: DataSource,
  key: FitKey,
  hash: string,
  report: LossFitReport,
  settings: unknown,
): Promise<{ fit: ScalingFit; created: boolean }> {
  return runInTransaction(dataSource, async (manager) => {
    const latest = await latestFit(manager, key);
    if (latest?.inputHash === hash) return { fit: latest, created: false };
    const { parameters, intervals, residuals, runIds, inputs } = report;
    const fit = await manager.save(
      manager.create(ScalingFit, {
        ...key,
        inputs,
        parameters,
        intervals,
        residuals,
        runIds,
        diagnostics: { ...report.diagnostics, settings },
        version: (latest?.version ?? 0) + 1,
        inputHash: hash,
      }),
    );
    return { fit, created: true };
  });
}
