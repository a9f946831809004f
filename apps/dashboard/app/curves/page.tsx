import type { Metadata } from 'next';
import Link from 'next/link';
import { loadCurves, loadRuns } from '../../lib/database';
import { formatCount } from '../../lib/format';
import { single, type RunTableRow, type SearchParams } from '../../lib/runs-view';
import { Chart, rampColor, type ChartSeries } from '../chart';
import { Empty, ErrorBox, Toggle } from '../components';
import { CurveControls, hrefWith, parseCurveView, xAxes } from '../curve-controls';
import { LiveRefresh } from '../live';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Curves' };

/** More lines than this are unreadable on one chart (and slow to send). */
const maxRuns = 50;

const metrics = {
  train: { label: 'Train loss', key: 'trainLoss' },
  eval: { label: 'Eval loss', key: 'evalLoss' },
} as const;
type Metric = keyof typeof metrics;

function runLabel(run: RunTableRow): string {
  return `${formatCount(run.paramsNonEmbedding ?? run.params)} ${run.variant ?? ''} s${run.seed ?? '?'} (${run.id})`;
}

export default async function CurvesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = parseCurveView(params);
  const metricParam = single(params, 'y');
  const metric: Metric = metricParam === 'eval' ? 'eval' : 'train';
  const requested = [params.run ?? []].flat().filter(Boolean);
  const experiment = single(params, 'experiment');
  const runs = await loadRuns(experiment ? { experimentId: experiment } : {});
  if (!runs.ok) return <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>;
  // The runs asked for, else (with or without an experiment) the most recent ones.
  const chosen = requested.length > 0 ? runs.value.filter((r) => requested.includes(r.id)) : runs.value;
  const shown = chosen.slice(0, maxRuns).sort((a, b) => (a.paramsNonEmbedding ?? a.params ?? 0) - (b.paramsNonEmbedding ?? b.params ?? 0) || a.id.localeCompare(b.id));
  const missing = requested.filter((id) => !runs.value.some((r) => r.id === id));
  const range = { ...(view.fromStep !== undefined ? { fromStep: view.fromStep } : {}), ...(view.toStep !== undefined ? { toStep: view.toStep } : {}) };
  const curves = await loadCurves(
    shown.map((r) => r.id),
    { x: xAxes[view.x].column, y: metrics[metric].key },
    range,
  );
  const sizes = [...new Set(shown.map((r) => r.paramsNonEmbedding ?? r.params ?? 0))].sort((a, b) => a - b);
  const series: ChartSeries[] = curves.ok
    ? shown.map((run) => ({
        id: run.id,
        label: runLabel(run),
        color: rampColor(sizes.indexOf(run.paramsNonEmbedding ?? run.params ?? 0), sizes.length),
        ...(run.variant === 'regular' ? { dash: '6 4' } : {}),
        mode: metric === 'eval' ? ('both' as const) : ('line' as const),
        points: curves.value.get(run.id) ?? [],
      }))
    : [];
  return (
    <>
      <div className="title-row">
        <h1>Curves</h1>
        <LiveRefresh kinds={['metrics']} runIds={shown.map((r) => r.id)} />
      </div>
      <p className="muted small">
        Colour: model size (non-embedding parameters, blue small to red large); dashed: regular corpus, solid: simplified. Lines keep each pixel column’s
        lowest and highest value, so no spike is hidden; zoom into a step range to read every point.
      </p>
      {missing.length > 0 && <ErrorBox title="Some runs were not found">{`${missing.join(', ')}: no such run${experiment ? ` in experiment ${experiment}` : ''}.`}</ErrorBox>}
      {chosen.length > maxRuns && (
        <p className="muted">
          Showing {maxRuns} of {chosen.length} runs: select the ones to compare on the <Link href="/runs">runs</Link> page.
        </p>
      )}
      <CurveControls path="/curves" params={params} view={view}>
        <span className="toggle-group" role="group" aria-label="metric">
          <span>y</span>
          {(Object.keys(metrics) as Metric[]).map((m) => (
            <Toggle key={m} href={hrefWith('/curves', params, { y: m === 'train' ? undefined : m })} active={metric === m}>
              {metrics[m].label}
            </Toggle>
          ))}
        </span>
      </CurveControls>
      {!curves.ok ? (
        <ErrorBox title="The metric curves could not be read from the database">{curves.error}</ErrorBox>
      ) : shown.length === 0 ? (
        <Empty>
          No runs yet: start the demo experiment with <code>npm start</code>, then compare runs here (select them on the <Link href="/runs">runs</Link> page).
        </Empty>
      ) : (
        <Chart
          title={`${metrics[metric].label} against ${xAxes[view.x].axis}, ${shown.length} runs`}
          testId="curves-chart"
          series={series}
          xLabel={xAxes[view.x].axis}
          yLabel={`${metrics[metric].label.toLowerCase()} (nats/token)`}
          logX={view.logX}
          logY={view.logY}
          empty={
            <>
              These runs have logged no {metrics[metric].label.toLowerCase()} {range.fromStep !== undefined || range.toStep !== undefined ? 'in this step range' : 'yet'}: metrics appear as the trainer
              reports them.
            </>
          }
        />
      )}
    </>
  );
}
