import type { CorpusVariant } from '@downscale/contracts';
import { listRuns } from '@downscale/persistence';
import type { DataSource } from 'typeorm';

/** One finished run as a point of a loss law. */
export interface RunLoss {
  runId: string;
  variant: CorpusVariant;
  /** Non-embedding parameters: the N of Kaplan et al., the x of the single-variable law. */
  params: number;
  /** Tokens trained on: the run's budget. */
  tokens: number;
  /** Lowest held-out loss the run reached. */
  loss: number;
}

function tokenBudget(config: Record<string, unknown>): number | undefined {
  const training = config['training'] as { tokenBudget?: unknown } | undefined;
  return typeof training?.tokenBudget === 'number' ? training.tokenBudget : undefined;
}

/** The completed runs of an experiment that have a parameter count and an eval loss. */
export async function completedRunLosses(dataSource: DataSource, experimentId: string): Promise<RunLoss[]> {
  const runs = await listRuns(dataSource, { experimentId });
  return runs
    .filter((run) => run.state === 'completed' && run.paramsNonEmbedding !== null && run.bestEvalLoss !== null)
    .map((run) => ({
      runId: run.id,
      variant: run.variant,
      params: run.paramsNonEmbedding!,
      tokens: tokenBudget(run.config) ?? 0,
      loss: run.bestEvalLoss!,
    }))
    .sort((a, b) => a.params - b.params || a.runId.localeCompare(b.runId));
}
