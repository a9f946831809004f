import type { Metadata } from 'next';
import Link from 'next/link';
import { loadCurveExtremes, loadCurves, loadRunConfigs } from '../../lib/database';
import { formatCount } from '../../lib/format';
import { single, type RunTableRow, type SearchParams } from '../../lib/runs-view';
import { Chart, palette, rampColor, wideChartColumns, type ChartSeries } from '../chart';
import { smoothEma } from '../../lib/smooth';
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

/** Smoothing weights offered (debiased EMA); 0 is off. */
const smoothings = [0, 0.6, 0.9, 0.99];

/** Config fields a run's colour can show: numbers on a blue-to-red ramp by rank, the variant by hue. */
const colourings = {
  params: { label: 'size', value: (r: RunTableRow) => r.paramsNonEmbedding ?? r.params },
  layers: { label: 'layers', value: (r: RunTableRow) => r.layers },
  hidden: { label: 'hidden', value: (r: RunTableRow) => r.hiddenSize },
  seed: { label: 'seed', value: (r: RunTableRow) => r.seed },
  variant: { label: 'variant', value: (r: RunTableRow) => r.variant },
} as const;
type Colouring = keyof typeof colourings;

function colourOf(runs: RunTableRow[], colouring: Colouring): (run: RunTableRow) => string {
  const value = colourings[colouring].value;
  if (colouring === 'variant') return (run) => (run.variant === 'regular' ? palette[1]! : palette[0]!);
  const values = [...new Set(runs.map((r) => value(r) as number | null))].sort((a, b) => (a ?? -Infinity) - (b ?? -Infinity));
  return (run) => rampColor(values.indexOf(value(run) as number | null), values.length);
}

function runLabel(run: RunTableRow): string {
  return `${formatCount(run.paramsNonEmbedding ?? run.params)} ${run.variant ?? ''} s${run.seed ?? '?'} (${run.id})`;
}

export default async function CurvesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = parseCurveView(params);
  const metricParam = single(params, 'y');
  const metric: Metric = metricParam === 'eval' ? 'eval' : 'train';
  const smoothParam = Number(single(params, 'smooth') ?? 0);
  const smoothing = smoothings.includes(smoothParam) ? smoothParam : 0;
  const colourParam = single(params, 'color') ?? 'params';
  const colouring: Colouring = colourParam in colourings ? (colourParam as Colouring) : 'params';
  const requested = [params.run ?? []].flat().filter(Boolean);
  const experiment = single(params, 'experiment');
  const runs = await loadRunConfigs(experiment ? { experimentId: experiment } : {});
  if (!runs.ok) return <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>;
  // The runs asked for, else (with or without an experiment) the most recent ones.
  const chosen = requested.length > 0 ? runs.value.filter((r) => requested.includes(r.id)) : runs.value;
  const shown = chosen.slice(0, maxRuns).sort((a, b) => (a.paramsNonEmbedding ?? a.params ?? 0) - (b.paramsNonEmbedding ?? b.params ?? 0) || a.id.localeCompare(b.id));
  const missing = requested.filter((id) => !runs.value.some((r) => r.id === id));
  const range = { ...(view.fromStep !== undefined ? { fromStep: view.fromStep } : {}), ...(view.toStep !== undefined ? { toStep: view.toStep } : {}) };
  const ids = shown.map((r) => r.id);
  const axes = { x: xAxes[view.x].column, y: metrics[metric].key };
  // Unzoomed and unsmoothed, the database reduces each curve to what the chart can show; a
  // zoom reads its range at full resolution, and smoothing needs every point.
  const curves =
    view.fromStep === undefined && view.toStep === undefined && smoothing === 0 ? await loadCurveExtremes(ids, axes, view.logX, wideChartColumns) : await loadCurves(ids, axes, range);
  const colour = colourOf(shown, colouring);
  const series: ChartSeries[] = curves.ok
    ? shown.flatMap((run) => {
        const points = curves.value.get(run.id) ?? [];
        const line = {
          color: colour(run),
          ...(run.variant === 'regular' ? { dash: '6 4' } : {}),
          mode: metric === 'eval' ? ('both' as const) : ('line' as const),
        };
        if (smoothing === 0) return [{ id: run.id, label: runLabel(run), points, ...line }];
        // The raw curve stays behind its smoothed one, faint: smoothing must not hide a spike.
        return [
          { id: `${run.id}-raw`, label: `${runLabel(run)}, raw`, points, ...line, mode: 'line' as const, faint: true },
          { id: run.id, label: `${runLabel(run)}, smoothed`, points: smoothEma(points, smoothing), ...line },
        ];
      })
    : [];
  return (
    <>
      <div className="title-row">
        <h1>Curves</h1>
        <LiveRefresh kinds={['metrics']} runIds={shown.map((r) => r.id)} />
      </div>
      <p className="muted small">
        Colour: {colouring === 'variant' ? 'corpus variant' : `${colourings[colouring].label}, blue small to red large`}; dashed: regular corpus, solid:
        simplified. Lines keep each pixel column’s lowest and highest value, so no spike is hidden; zoom into a step range to read every point.
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
        <span className="toggle-group" role="group" aria-label="smoothing">
          <span>smoothing</span>
          {smoothings.map((w) => (
            <Toggle key={w} href={hrefWith('/curves', params, { smooth: w === 0 ? undefined : String(w) })} active={smoothing === w}>
              {w === 0 ? 'off' : String(w)}
            </Toggle>
          ))}
        </span>
        <span className="toggle-group" role="group" aria-label="colour by">
          <span>colour</span>
          {(Object.keys(colourings) as Colouring[]).map((c) => (
            <Toggle key={c} href={hrefWith('/curves', params, { color: c === 'params' ? undefined : c })} active={colouring === c}>
              {colourings[c].label}
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
          hairlines
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
