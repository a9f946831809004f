import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { MetricPoint } from './entities/metric-point.js';
import { Run } from './entities/run.js';

/** A run with the summary of its metrics; the metrics are null while it has logged none. */
export type RunSummary = Run & {
  lastStep: number | null;
  /** Train loss of the latest step that has one. */
  lastTrainLoss: number | null;
  /** Lowest eval loss over all steps. */
  bestEvalLoss: number | null;
};

export interface RunFilter {
  experimentId?: string;
}

export interface StepRange {
  /** Inclusive. */
  fromStep?: number;
  /** Inclusive. */
  toStep?: number;
}

/**
 * One value per run, from the run's first metric point in `order` that has `column` set.
 * Shaped as ORDER BY ... LIMIT 1 on a column of an index that starts with run_id, so each
 * run costs an index seek on both databases, never a scan of its points.
 */
function firstPointValue(column: keyof MetricPoint, order: { column: keyof MetricPoint; direction: 'ASC' | 'DESC' }) {
  return (sub: SelectQueryBuilder<MetricPoint>) =>
    sub
      .select(`point.${column}`)
      .from(MetricPoint, 'point')
      .where('point.runId = run.id')
      .andWhere(`point.${column} IS NOT NULL`)
      .orderBy(`point.${order.column}`, order.direction)
      .limit(1);
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Runs, newest first, each with its latest step, latest train loss and best eval loss. */
export async function listRuns(dataSource: DataSource, filter: RunFilter = {}): Promise<RunSummary[]> {
  const query = dataSource
    .getRepository(Run)
    .createQueryBuilder('run')
    .addSelect(firstPointValue('step', { column: 'step', direction: 'DESC' }), 'last_step')
    .addSelect(firstPointValue('trainLoss', { column: 'step', direction: 'DESC' }), 'last_train_loss')
    .addSelect(firstPointValue('evalLoss', { column: 'evalLoss', direction: 'ASC' }), 'best_eval_loss')
    .orderBy('run.createdAt', 'DESC')
    .addOrderBy('run.id', 'ASC');
  if (filter.experimentId !== undefined) query.where('run.experimentId = :experimentId', { experimentId: filter.experimentId });
  const { entities, raw } = await query.getRawAndEntities<{ run_id: string; last_step: unknown; last_train_loss: unknown; best_eval_loss: unknown }>();
  const metricsByRun = new Map(raw.map((row) => [row.run_id, row]));
  return entities.map((run) => {
    const metrics = metricsByRun.get(run.id);
    return Object.assign(run, {
      lastStep: numberOrNull(metrics?.last_step),
      lastTrainLoss: numberOrNull(metrics?.last_train_loss),
      bestEvalLoss: numberOrNull(metrics?.best_eval_loss),
    });
  });
}

/** A run's metric points in step order, optionally only those within [fromStep, toStep]. */
export function loadMetricCurve(dataSource: DataSource, runId: string, range: StepRange = {}): Promise<MetricPoint[]> {
  const query = dataSource.getRepository(MetricPoint).createQueryBuilder('point').where('point.runId = :runId', { runId });
  if (range.fromStep !== undefined) query.andWhere('point.step >= :fromStep', { fromStep: range.fromStep });
  if (range.toStep !== undefined) query.andWhere('point.step <= :toStep', { toStep: range.toStep });
  return query.orderBy('point.step', 'ASC').getMany();
}
