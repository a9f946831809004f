import { createHash } from 'node:crypto';
import type { CorpusVariant, FitForm } from '@downscale/contracts';
import { runInTransaction, ScalingFit } from '@downscale/persistence';
import type { DataSource } from 'typeorm';

/** A fit before it is stored: what the law says and what it was fitted on. */
export type FitRecord = Pick<ScalingFit, 'inputs' | 'parameters' | 'intervals' | 'residuals' | 'runIds' | 'diagnostics'> & {
  form: FitForm;
  variant: CorpusVariant;
  /** What decides the fit: its points and settings. Equal settings give equal hashes. */
  settings: unknown;
};

export function inputHash(record: FitRecord): string {
  return createHash('sha256')
    .update(JSON.stringify([record.form, record.variant, record.inputs, record.residuals.map((r) => [r.runId, r.observed]), record.settings]))
    .digest('hex');
}

/**
 * Stores a fit as the next version of (experiment, form, variant), unless the latest version
 * was fitted on the same inputs: then that one is returned and nothing is written, so a
 * burst of events about unchanged runs adds no versions.
 */
export async function saveFitVersion(dataSource: DataSource, experimentId: string, record: FitRecord): Promise<{ fit: ScalingFit; created: boolean }> {
  const hash = inputHash(record);
  return runInTransaction(dataSource, async (manager) => {
    const latest = await manager.findOne(ScalingFit, {
      where: { experimentId, form: record.form, variant: record.variant },
      order: { version: 'DESC' },
    });
    if (latest?.inputHash === hash) return { fit: latest, created: false };
    const { settings, ...fields } = record;
    const fit = await manager.save(
      manager.create(ScalingFit, { ...fields, experimentId, version: (latest?.version ?? 0) + 1, inputHash: hash }),
    );
    return { fit, created: true };
  });
}
