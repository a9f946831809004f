import type { CorpusVariant } from '@downscale/contracts';
import { MetricPoint, Run } from '@downscale/persistence';
import type { RunLossCurve } from '@downscale/scaling-laws';
import { In, IsNull, Not, type DataSource } from 'typeorm';

/** Where the fitted losses come from: part of every fit's inputs, settings and hash. */
export const fitMetric = {
  metric: 'metric_point.eval_loss (the trainer\'s held-out loss on its corpus)',
  selection: 'completed runs; every eval point after the first step, the last as the run\'s final loss',
  compute: 'metric_point.flops_kaplan (6 N D, N non-embedding)',
} as const;

/** The eval-loss curves of an experiment's completed runs that have parameter counts, by corpus variant. */
export async function completedRunCurves(dataSource: DataSource, experimentId: string): Promise<Map<CorpusVariant, RunLossCurve[]>> {
  const runs = await dataSource.getRepository(Run).find({
    where: { experimentId, state: 'completed', paramsNonEmbedding: Not(IsNull()), paramsTotal: Not(IsNull()) },
    order: { id: 'ASC' },
  });
  const points = runs.length === 0 ? [] : await dataSource.getRepository(MetricPoint).find({
    where: { runId: In(runs.map((r) => r.id)), evalLoss: Not(IsNull()) },
    order: { runId: 'ASC', step: 'ASC' },
  });
  const byVariant = new Map<CorpusVariant, RunLossCurve[]>();
  for (const run of runs) {
    const curve: RunLossCurve = {
      run: run.id,
      params: run.paramsNonEmbedding!,
      paramsTotal: run.paramsTotal!,
      // The step-0 evaluation (no tokens yet) has no place on a log scale.
      points: points.filter((p) => p.runId === run.id && p.tokens > 0).map((p) => ({ tokens: p.tokens, compute: p.flopsKaplan, loss: p.evalLoss! })),
    };
    byVariant.set(run.variant, [...(byVariant.get(run.variant) ?? []), curve]);
  }
  return byVariant;
}
