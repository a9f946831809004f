import type { Metadata } from 'next';
import Link from 'next/link';
import { loadBaselines, loadEvaluations, type CheckpointRow, type EvalRow } from '../../lib/database';
import { formatCount, formatInteger, formatScore } from '../../lib/format';
import { single, type SearchParams } from '../../lib/runs-view';
import { Chart, palette, type ChartSeries } from '../chart';
import { Empty, ErrorBox, ExperimentPicker, Toggle } from '../components';
import { hrefWith } from '../curve-controls';
import { experimentView } from '../experiment-view';
import { TableCsvExport } from '../export-buttons';
import { LiveRefresh } from '../live';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Evaluations' };

const variantColor: Record<string, string> = { simplified: palette[0]!, regular: palette[1]! };
type Metric = 'acc' | 'accNorm';
/** The name of each metric in baseline rows (as the evaluation harness names them). */
const baselineMetric: Record<Metric, string> = { acc: 'acc', accNorm: 'acc_norm' };
const metricLabel: Record<Metric, string> = { acc: 'accuracy (acc)', accNorm: 'accuracy (acc_norm)' };

const taskKey = (r: { task: string; taskVersion: string }) => `${r.task} · ${r.taskVersion}`;

/**
 * Accuracy against model size for one task: per run its latest evaluated checkpoint, then
 * the mean over seeds at each size, one line per corpus variant.
 */
function emergenceSeries(task: string, metric: Metric, checkpoints: Map<string, CheckpointRow>, results: EvalRow[]): ChartSeries[] {
  const latestPerRun = new Map<string, { step: number; value: number; params: number; variant: string }>();
  for (const r of results) {
    const value = r[metric];
    const c = checkpoints.get(r.checkpointId);
    if (taskKey(r) !== task || value === null || !c || c.paramsNonEmbedding === null) continue;
    const seen = latestPerRun.get(c.runId);
    if (!seen || seen.step < c.step) latestPerRun.set(c.runId, { step: c.step, value, params: c.paramsNonEmbedding, variant: c.variant ?? 'unknown' });
  }
  const byVariant = new Map<string, Map<number, number[]>>();
  for (const p of latestPerRun.values()) {
    const sizes = byVariant.get(p.variant) ?? new Map<number, number[]>();
    sizes.set(p.params, [...(sizes.get(p.params) ?? []), p.value]);
    byVariant.set(p.variant, sizes);
  }
  return [...byVariant.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([variant, sizes]) => ({
      id: `${task}-${variant}`,
      label: `trained on ${variant} text`,
      color: variantColor[variant] ?? palette[2]!,
      mode: 'both' as const,
      points: [...sizes.entries()].sort(([a], [b]) => a - b).map(([x, values]) => ({ x, y: values.reduce((s, v) => s + v, 0) / values.length })),
    }));
}

export default async function EvaluationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const metric: Metric = single(params, 'metric') === 'accNorm' ? 'accNorm' : 'acc';
  const view = await experimentView(params, 'Evaluations', '/evaluations');
  if ('page' in view) return view.page;
  const { experiment, experiments } = view;
  const [loaded, baselines] = await Promise.all([loadEvaluations({ experimentId: experiment.id }), loadBaselines()]);
  const { checkpoints, results } = loaded.ok ? loaded.value : { checkpoints: [], results: [] };
  const tasks = [...new Set(results.map(taskKey))].sort();
  const cells = new Map(results.map((r) => [`${r.checkpointId}|${taskKey(r)}`, r]));
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  const accuracyTasks = tasks.filter((t) => results.some((r) => taskKey(r) === t && r[metric] !== null));
  return (
    <>
      <div className="title-row">
        <h1>Evaluations</h1>
        <LiveRefresh kinds={['checkpoint', 'eval']} />
      </div>
      <ExperimentPicker action="/evaluations" experiments={experiments} selected={experiment.id} />
      {!baselines.ok && <ErrorBox title="The baselines could not be read from the database">{baselines.error}</ErrorBox>}
      {!loaded.ok ? (
        <ErrorBox title="The evaluation results could not be read from the database">{loaded.error}</ErrorBox>
      ) : checkpoints.length === 0 ? (
        <Empty>
          No checkpoints of <strong>{experiment.name}</strong> yet: the evaluator scores every checkpoint on every task as the trainer saves them (
          <Link href={`/runs?experiment=${encodeURIComponent(experiment.id)}`}>see its runs</Link>).
        </Empty>
      ) : (
        <>
          <h2>Accuracy against model size</h2>
          <div className="controls">
            <span className="toggle-group" role="group" aria-label="metric">
              <span>y</span>
              {(['acc', 'accNorm'] as const).map((m) => (
                <Toggle key={m} href={hrefWith('/evaluations', params, { metric: m === 'acc' ? undefined : m })} active={metric === m}>
                  {m === 'acc' ? 'acc' : 'acc_norm'}
                </Toggle>
              ))}
            </span>
            <span className="muted small">per run its latest evaluated checkpoint, averaged over seeds; dotted: chance and published baselines</span>
          </div>
          {accuracyTasks.length === 0 ? (
            <Empty>No accuracy results yet: the evaluator reports them as it scores checkpoints.</Empty>
          ) : (
            <div className="grid-2">
              {accuracyTasks.map((task) => {
                const chances = results.filter((r) => taskKey(r) === task && r.chance !== null).map((r) => r.chance!);
                const chance = chances.length ? chances.reduce((s, v) => s + v, 0) / chances.length : undefined;
                // Published models are far larger than these: marks across the chart, not points on its x axis.
                const references = (baselines.ok ? baselines.value : [])
                  .filter((b) => taskKey(b) === task && b.metric === baselineMetric[metric])
                  .map((b) => ({ y: b.value, label: `${b.model}${b.params === null ? '' : ` (${formatCount(b.params)})`} ${(b.value * 100).toFixed(0)}%` }));
                return (
                  <section key={task} data-task={task}>
                    <h3>{task}</h3>
                    <Chart
                      title={`${metricLabel[metric]} on ${task} against non-embedding parameters`}
                      testId={`emergence-${task}`}
                      series={emergenceSeries(task, metric, byId, results)}
                      xLabel="non-embedding parameters N"
                      yLabel={metricLabel[metric]}
                      logX
                      logY={false}
                      yDomain={[0, 1]}
                      size="compact"
                      referenceLines={[...(chance === undefined ? [] : [{ y: chance, label: `chance ${(chance * 100).toFixed(0)}%` }]), ...references]}
                    />
                  </section>
                );
              })}
            </div>
          )}
          <div className="title-row">
            <h2>Checkpoints × tasks</h2>
            {tasks.length > 0 && <TableCsvExport table="eval-matrix" fileName={`evaluations-${experiment.id}`} />}
          </div>
          <p className="muted small">
            {formatInteger(checkpoints.length)} checkpoints, {tasks.length} task versions, {formatInteger(results.length)} of {formatInteger(checkpoints.length * tasks.length)} cells done.
          </p>
          {tasks.length === 0 ? (
            <Empty>No evaluation results yet: each checkpoint is scored on every task of the experiment once the evaluator takes it.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="data" data-testid="eval-matrix">
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Variant</th>
                    <th className="num">Params</th>
                    <th className="num">Step</th>
                    {tasks.map((t) => (
                      <th key={t} className="num">
                        {t}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {checkpoints.map((c) => (
                    <tr key={c.id} data-checkpoint-id={c.id}>
                      <td className="mono">
                        <Link href={`/runs/${encodeURIComponent(c.runId)}`}>{c.runId}</Link>
                      </td>
                      <td>{c.variant ?? '—'}</td>
                      <td className="num" data-csv={c.paramsNonEmbedding ?? c.params ?? ''}>
                        {formatCount(c.paramsNonEmbedding ?? c.params)}
                      </td>
                      <td className="num" data-csv={c.step}>
                        {formatInteger(c.step)}
                      </td>
                      {tasks.map((t) => {
                        const r = cells.get(`${c.id}|${t}`);
                        return (
                          <td
                            key={t}
                            className={`num ${r ? 'cell-done' : 'cell-pending'}`}
                            data-state={r ? 'done' : 'pending'}
                            // The CSV has the unrounded accuracy (or loss); empty while pending.
                            data-csv={r ? (r.acc ?? r.loss ?? '') : ''}
                            title={r ? `n = ${r.n}${r.stderr === null ? '' : `, ± ${(r.stderr * 100).toFixed(1)} points`}${r.accNorm === null ? '' : `, acc_norm ${(r.accNorm * 100).toFixed(1)}%`}` : 'not evaluated yet'}
                          >
                            {r ? formatScore(r) : 'pending'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
