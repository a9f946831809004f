import { Checkpoint, EvalResult, listRuns, ScalingFit, type RunSummary } from '@downscale/persistence';
import { In, type DataSource } from 'typeorm';

/** How far an experiment has come: what the live status line and the finish check read. */
export interface ExperimentProgress {
  runs: RunSummary[];
  /** Planned runs: known from the grid before the corpus service has created them. */
  plannedRuns: number;
  checkpoints: number;
  /** Checkpoints the evaluator has finished (every task of the experiment, and held-out loss). */
  evaluatedCheckpoints: number;
  /** Laws fitted so far (axis x form x corpus variant). */
  laws: number;
}

/** The progress and what the summary reports: every result and every fit version. */
export interface ExperimentSnapshot extends ExperimentProgress {
  /** Checkpoint id -> its run and step. */
  checkpointRuns: Map<string, { runId: string; step: number }>;
  evalResults: EvalResult[];
  fits: ScalingFit[];
}

const terminal = new Set(['completed', 'failed', 'cancelled']);

/** Polled every few seconds: counts only, no result rows or fit documents. */
export async function experimentProgress(dataSource: DataSource, experimentId: string, plannedRuns: number): Promise<ExperimentProgress> {
  const runs = await listRuns(dataSource, { experimentId });
  const runIds = runs.map((r) => r.id);
  const checkpoints = runIds.length ? await dataSource.getRepository(Checkpoint).find({ where: { runId: In(runIds) }, select: { id: true, evaluatedAt: true } }) : [];
  const laws = await dataSource.getRepository(ScalingFit).find({ where: { experimentId }, select: { id: true, axis: true, variant: true, form: true } });
  return {
    runs,
    plannedRuns,
    checkpoints: checkpoints.length,
    evaluatedCheckpoints: checkpoints.filter((c) => c.evaluatedAt !== null).length,
    laws: new Set(laws.map((f) => `${f.axis}/${f.variant}/${f.form}`)).size,
  };
}

/** Read once, for the summary. */
export async function experimentSnapshot(dataSource: DataSource, experimentId: string, plannedRuns: number): Promise<ExperimentSnapshot> {
  const progress = await experimentProgress(dataSource, experimentId, plannedRuns);
  const runIds = progress.runs.map((r) => r.id);
  const checkpoints = runIds.length ? await dataSource.getRepository(Checkpoint).findBy({ runId: In(runIds) }) : [];
  const evalResults = checkpoints.length ? await dataSource.getRepository(EvalResult).findBy({ checkpointId: In(checkpoints.map((c) => c.id)) }) : [];
  const fits = await dataSource.getRepository(ScalingFit).find({ where: { experimentId }, order: { version: 'ASC' } });
  return { ...progress, checkpointRuns: new Map(checkpoints.map((c) => [c.id, { runId: c.runId, step: c.step }])), evalResults, fits };
}

/** Every planned run ended and every checkpoint is evaluated. */
export function experimentFinished(s: ExperimentProgress): boolean {
  return s.runs.length === s.plannedRuns && s.runs.every((r) => terminal.has(r.state)) && s.evaluatedCheckpoints === s.checkpoints;
}

/** One compact line: runs by state, the running ones' progress, evaluations and fits. */
export function statusLine(s: ExperimentProgress): string {
  const count = (state: string) => s.runs.filter((r) => r.state === state).length;
  const running = s.runs
    .filter((r) => r.state === 'running')
    .map((r) => `h${r.hiddenSize}/${r.variant.slice(0, 3)} step ${r.lastStep ?? 0}${r.lastTrainLoss === null ? '' : ` loss ${r.lastTrainLoss.toFixed(3)}`}`);
  const parts = [
    s.runs.length < s.plannedRuns ? `corpora: ${s.runs.length}/${s.plannedRuns} runs planned` : `runs ${count('completed')}/${s.plannedRuns} done`,
    ...(count('failed') ? [`${count('failed')} failed`] : []),
    ...(running.length ? [running.join(', ')] : []),
    `evaluated ${s.evaluatedCheckpoints}/${s.checkpoints} checkpoints`,
    `${s.laws} fits`,
  ];
  return parts.join(' · ');
}
