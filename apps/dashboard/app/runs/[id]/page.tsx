import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { writeAccess } from '../../../lib/access';
import { loadCurves, loadEvaluations, loadRun, type CheckpointRow, type EvalRow } from '../../../lib/database';
import { formatCount, formatDate, formatInteger, formatLoss, formatScore, formatText } from '../../../lib/format';
import type { SearchParams } from '../../../lib/runs-view';
import { Chart, palette } from '../../chart';
import { Badge, Empty, ErrorBox } from '../../components';
import { CurveControls, parseCurveView, xAxes } from '../../curve-controls';
import { TableCsvExport } from '../../export-buttons';
import { LiveRefresh } from '../../live';
import { CancelRunButton } from './cancel-button';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Run ${decodeURIComponent((await params).id)}` };
}

function CheckpointTable({ checkpoints, results }: { checkpoints: CheckpointRow[]; results: EvalRow[] }) {
  const tasks = [...new Set(results.map((r) => `${r.task} · ${r.taskVersion}`))].sort();
  const cell = new Map(results.map((r) => [`${r.checkpointId}|${r.task} · ${r.taskVersion}`, r]));
  return (
    <div className="table-wrap">
      <table className="data" data-testid="checkpoints-table">
        <thead>
          <tr>
            <th className="num">Step</th>
            <th className="num">Tokens</th>
            <th>Location</th>
            {tasks.map((t) => (
              <th key={t} className="num" title="accuracy (acc); acc_norm in the tooltip">
                {t}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {checkpoints.map((c) => (
            <tr key={c.id} data-checkpoint-id={c.id}>
              <td className="num">{formatInteger(c.step)}</td>
              <td className="num">{formatCount(c.tokens)}</td>
              <td className="mono small">{c.uri}</td>
              {tasks.map((t) => {
                const r = cell.get(`${c.id}|${t}`);
                return (
                  <td key={t} className={`num ${r ? 'cell-done' : 'cell-pending'}`} title={r ? `n = ${r.n}${r.accNorm === null ? '' : `, acc_norm ${(r.accNorm * 100).toFixed(1)}%`}` : 'not evaluated yet'}>
                    {r ? formatScore(r) : 'pending'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const id = decodeURIComponent((await params).id);
  const query = await searchParams;
  const view = parseCurveView(query);
  const run = await loadRun(id);
  if (!run.ok) return <ErrorBox title={`Run ${id} could not be read from the database`}>{run.error}</ErrorBox>;
  if (!run.value) notFound();
  const r = run.value;
  const range = { ...(view.fromStep !== undefined ? { fromStep: view.fromStep } : {}), ...(view.toStep !== undefined ? { toStep: view.toStep } : {}) };
  const x = xAxes[view.x].column;
  const [train, evals, evaluations] = await Promise.all([
    loadCurves([id], { x, y: 'trainLoss' }, range),
    loadCurves([id], { x, y: 'evalLoss' }, range),
    loadEvaluations({ runId: id }),
  ]);
  const failed = !train.ok ? train : !evals.ok ? evals : undefined;
  const path = `/runs/${encodeURIComponent(id)}`;
  const model = (r.config.model ?? {}) as Record<string, unknown>;
  const training = (r.config.training ?? {}) as Record<string, unknown>;
  return (
    <>
      <div className="title-row">
        <h1>
          <span className="mono">{r.id}</span>
        </h1>
        <Badge state={r.state} />
        <LiveRefresh kinds={['metrics', 'checkpoint', 'eval', 'run']} runIds={[id]} />
        {(r.state === 'running' || r.state === 'queued') && (await writeAccess()).allowed && <CancelRunButton runId={r.id} />}
      </div>
      <p className="muted">
        Experiment <Link href={`/runs?experiment=${encodeURIComponent(r.experimentId)}`}>{r.experimentName ?? r.experimentId}</Link> ·{' '}
        <Link href={`/curves?run=${encodeURIComponent(id)}`}>compare with other runs</Link>
      </p>
      {r.state === 'failed' && <ErrorBox title="This run failed">{r.failureReason ?? 'No reason was recorded; see the trainer log in .downscale/logs/.'}</ErrorBox>}
      <h2>Configuration</h2>
      <dl className="config" data-testid="run-config">
        <dt>Model</dt>
        <dd>
          hidden size {formatInteger(r.hiddenSize)}, {formatInteger(r.layers)} layers
          {typeof model.heads === 'number' ? `, ${model.heads} heads` : ''}
          {typeof model.vocabSize === 'number' ? `, vocabulary ${formatInteger(model.vocabSize)}` : ''}
          {typeof model.contextLength === 'number' ? `, context ${model.contextLength}` : ''}
        </dd>
        <dt>Parameters</dt>
        <dd>
          {formatInteger(r.params)} total, {formatInteger(r.paramsNonEmbedding)} without embeddings
        </dd>
        <dt>Corpus</dt>
        <dd>
          {formatText(r.variant)}
          {r.corpusId ? <span className="mono small"> ({r.corpusId})</span> : null}
        </dd>
        <dt>Seed</dt>
        <dd>{formatInteger(r.seed)}</dd>
        <dt>Token budget</dt>
        <dd>{typeof training.tokenBudget === 'number' ? formatInteger(training.tokenBudget) : '—'}</dd>
        <dt>Progress</dt>
        <dd>
          step {formatInteger(r.lastStep)}, {formatInteger(r.lastTokens)} tokens
          {typeof training.tokenBudget === 'number' && r.lastTokens !== null ? ` (${((100 * r.lastTokens) / training.tokenBudget).toFixed(0)}%)` : ''}
        </dd>
        <dt>Loss</dt>
        <dd>
          train {formatLoss(r.lastTrainLoss)}, eval {formatLoss(r.lastEvalLoss)} (best {formatLoss(r.bestEvalLoss)}) nats/token
        </dd>
        <dt>Backend</dt>
        <dd>{formatText(r.backend)}</dd>
        <dt>Times</dt>
        <dd>
          created {formatDate(r.createdAt)}, started {formatDate(r.startedAt)}, finished {formatDate(r.finishedAt)}
        </dd>
      </dl>
      <h2>Loss curves</h2>
      <CurveControls path={path} params={query} view={view} />
      {failed ? (
        <ErrorBox title="The metric points could not be read from the database">{failed.error}</ErrorBox>
      ) : (
        <Chart
          title={`Train and eval loss of ${id} against ${xAxes[view.x].axis}`}
          testId="run-chart"
          series={[
            { id: 'train', label: 'train loss', color: palette[0]!, points: (train.ok && train.value.get(id)) || [] },
            { id: 'eval', label: 'eval loss', color: palette[1]!, mode: 'both', points: (evals.ok && evals.value.get(id)) || [] },
          ]}
          xLabel={xAxes[view.x].axis}
          yLabel="loss (nats/token)"
          logX={view.logX}
          logY={view.logY}
          empty={r.state === 'queued' ? 'Queued: the curves appear once a trainer takes this run.' : 'No metric points in this range yet.'}
        />
      )}
      <div className="title-row">
        <h2>Checkpoints and evaluations</h2>
        {evaluations.ok && evaluations.value.checkpoints.length > 0 && <TableCsvExport table="checkpoints-table" fileName={`checkpoints-${r.id}`} />}
      </div>
      {!evaluations.ok ? (
        <ErrorBox title="The checkpoints could not be read from the database">{evaluations.error}</ErrorBox>
      ) : evaluations.value.checkpoints.length === 0 ? (
        <Empty>No checkpoints yet: the trainer saves one every checkpoint interval, and the evaluator scores each on every task.</Empty>
      ) : (
        <CheckpointTable checkpoints={evaluations.value.checkpoints} results={evaluations.value.results} />
      )}
    </>
  );
}
