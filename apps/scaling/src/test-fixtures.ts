/** Fixtures shared by the scaling service's tests: an experiment and completed runs whose eval losses follow a known law. */
import { Experiment, MetricPoint, Run } from '@downscale/persistence';
import type { DataSource } from 'typeorm';

// The law the runs' curves follow: L(N, D) = E + A / N^alpha + B / D^beta.
export const truth = { E: 1.5, A: 40, alpha: 0.3, B: 60, beta: 0.25 };
export const lossAt = (n: number, d: number) => truth.E + truth.A / n ** truth.alpha + truth.B / d ** truth.beta;
const singleAxes = ['params', 'paramsTotal', 'tokens', 'compute'];
/** Every law the service fits once four model sizes have completed, as `axis form`. */
export const everyLaw = [...singleAxes.flatMap((axis) => [`${axis} power-plus-constant`, `${axis} pure-power`]), 'params+tokens joint-chinchilla'].sort();

export async function seedExperiment(db: DataSource, experimentId: string): Promise<void> {
  await db.getRepository(Experiment).save(db.getRepository(Experiment).create({ id: experimentId, name: 'scaling test', preset: 'custom', spec: {} as never, state: 'running' }));
}

/** A completed run of `params` non-embedding parameters with an eval point at each token count (and the step-0 one, which fits must leave out). */
export async function seedCompletedRun(db: DataSource, experimentId: string, id: string, params: number, tokenCounts: readonly number[]): Promise<void> {
  await db.getRepository(Run).save(
    db.getRepository(Run).create({
      id,
      experimentId,
      config: { training: { tokenBudget: tokenCounts.at(-1) } },
      hiddenSize: 64,
      layers: 2,
      paramsTotal: params * 2,
      paramsNonEmbedding: params,
      variant: 'simplified',
      seed: 0,
      state: 'completed',
    }),
  );
  const points = db.getRepository(MetricPoint);
  await points.save([
    points.create({ runId: id, step: 0, tokens: 0, flopsKaplan: 0, evalLoss: 9 }),
    ...tokenCounts.map((tokens, i) => points.create({ runId: id, step: 10 * (i + 1), tokens, flopsKaplan: 6 * params * tokens, evalLoss: lossAt(params, tokens) })),
  ]);
}
