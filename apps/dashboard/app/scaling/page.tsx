import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { loadCurves, loadFits, loadRuns, type FitRow, type RunTableRow } from '../../lib/database';
import { formatCount, formatDate, formatLoss, formatParameter } from '../../lib/format';
import type { SearchParams } from '../../lib/runs-view';
import { computeOptimal, fitKey, formula, frontier, latestVersions, lawCurve, singleAxes, jointAxis, type SingleAxis } from '../../lib/scaling-view';
import { Chart, palette, type ChartBand, type ChartSeries } from '../chart';
import { Empty, ErrorBox, ExperimentPicker } from '../components';
import { TableCsvExport } from '../export-buttons';
import { experimentView } from '../experiment-view';
import { LiveRefresh } from '../live';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Scaling' };

const variantOrder = ['simplified', 'regular'];
const variantColor: Record<string, string> = { simplified: palette[0]!, regular: palette[1]! };
const formColor: Record<string, string> = { 'pure-power': palette[2]!, 'power-plus-constant': palette[4]! };
const extrapolationDash = '6 4';

type Curves = Map<string, { x: number; y: number }[]>;

/** Where a run lies on a parameter axis; tokens and compute come from its eval curve instead. */
const runSize: Record<'params' | 'paramsTotal', (r: RunTableRow) => number | null> = {
  params: (r) => r.paramsNonEmbedding,
  paramsTotal: (r) => r.params,
};

/** The series of one axis and one corpus variant: the runs, the envelope where the law is fitted on one, each law with its band and extrapolation. */
function axisChart(axis: SingleAxis, variant: string, runs: RunTableRow[], curves: Curves | undefined, fits: FitRow[], joint: FitRow | undefined): { series: ChartSeries[]; bands: ChartBand[] } {
  const color = variantColor[variant] ?? palette[3]!;
  const series: ChartSeries[] = [];
  if (axis === 'params' || axis === 'paramsTotal') {
    const points = runs.flatMap((r) => {
      const x = runSize[axis](r);
      return x !== null && x > 0 && r.lastEvalLoss !== null ? [{ x, y: r.lastEvalLoss }] : [];
    });
    series.push({ id: 'runs', label: 'runs (latest eval loss)', color, mode: 'points', points });
  } else {
    // Each run's eval-loss curve, faintly: the law is fitted on their lower envelope.
    for (const run of runs) {
      const points = (curves?.get(run.id) ?? []).filter((p) => p.x > 0);
      if (points.length) series.push({ id: `curve-${run.id}`, label: run.id, color, faint: true, points });
    }
    const fitted = fits[0];
    const envelope = fitted ? (axis === 'compute' && frontier(fitted).length ? frontier(fitted) : fitted.points) : [];
    if (envelope.length) {
      const label = axis === 'compute' ? 'compute-optimal frontier (lowest loss at each C)' : 'lower envelope (lowest loss at each D)';
      series.push({ id: 'envelope', label, color, mode: 'both', points: envelope.map((p) => ({ x: p.x, y: p.loss })) });
    }
  }
  const xs = [...series.flatMap((s) => s.points.map((p) => p.x)), ...fits.flatMap((f) => f.points.map((p) => p.x))].filter((x) => x > 0);
  const bands: ChartBand[] = [];
  if (xs.length) {
    const from = Math.min(...xs) / 1.5;
    const to = Math.max(...xs) * 4;
    for (const fit of fits) {
      const curve = lawCurve(fit, from, to);
      const lawColor = formColor[fit.form] ?? palette[6]!;
      series.push({ id: `fit-${fit.form}`, label: `${fit.form} v${fit.version}`, color: lawColor, points: curve.fitted });
      series.push({ id: `fit-${fit.form}-extrapolated`, label: `${fit.form}, extrapolated`, color: lawColor, dash: extrapolationDash, points: curve.extrapolated });
      const banded = [...curve.fitted, ...curve.extrapolated].flatMap((p) => (p.low !== undefined && p.high !== undefined ? [{ x: p.x, low: p.low, high: p.high }] : []));
      if (banded.length) bands.push({ id: `band-${fit.form}`, color: lawColor, points: banded.sort((a, b) => a.x - b.x) });
    }
  }
  if (axis === 'compute' && joint) {
    const allocations = computeOptimal(joint);
    if (Array.isArray(allocations) && allocations.length) {
      series.push({ id: 'joint-optimal', label: `joint L(N, D) at N_opt(C), D_opt(C), v${joint.version}`, color: palette[6]!, dash: '2 3', points: allocations.map((a) => ({ x: a.compute, y: a.loss })) });
    }
  }
  return { series, bands };
}

function Parameters({ fit }: { fit: FitRow }) {
  const names = Object.keys(fit.parameters).sort();
  const interval = (name: string) => fit.intervals[name];
  // Full precision for the CSV; rounded on screen.
  const csv = names.map((name) => `${name}=${fit.parameters[name]}${interval(name) ? ` [${interval(name)![0] ?? '-inf'}, ${interval(name)![1] ?? 'inf'}]` : ''}`).join('; ');
  return (
    <td className="mono small" data-csv={csv}>
      {names.map((name) => {
        const bounds = interval(name);
        return (
          <div key={name}>
            {name} = {formatParameter(fit.parameters[name]!)}
            {bounds ? ` [${bounds[0] === null ? '−∞' : formatParameter(bounds[0])}, ${formatParameter(bounds[1])}]` : ''}
          </div>
        );
      })}
    </td>
  );
}

/** Fitted laws, a row per version given; `versions` counts every stored version of a law. */
function FitsTable({ fits, versions, symbol, testId }: { fits: FitRow[]; versions: Map<string, number>; symbol: string; testId: string }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid={testId}>
        <thead>
          <tr>
            <th>Variant</th>
            <th>Law</th>
            <th>Parameters (95% interval)</th>
            <th className="num" title="coefficient of determination in log space">R²</th>
            <th className="num">Runs</th>
            <th className="num">Version</th>
            <th>Fitted</th>
          </tr>
        </thead>
        <tbody>
          {fits.map((fit) => (
            <tr key={fit.id} data-fit-id={fit.id}>
              <td>{fit.variant}</td>
              <td data-csv={fit.form}>
                {fit.form} <span className="muted mono small">{formula(fit.form, symbol)}</span>
              </td>
              <Parameters fit={fit} />
              <td className="num" data-csv={fit.r2LogSpace ?? ''}>
                {fit.r2LogSpace === null ? '—' : fit.r2LogSpace.toFixed(3)}
              </td>
              <td className="num">{fit.runIds.length}</td>
              <td className="num" title={`${versions.get(fitKey(fit))} versions stored`} data-csv={fit.version}>
                v{fit.version}
              </td>
              <td data-csv={fit.createdAt ?? ''}>{formatDate(fit.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The latest laws of an axis and, folded, every version stored. */
function LawTables({ axis, symbol, fits, latest, versions, experimentId, none }: { axis: string; symbol: string; fits: FitRow[]; latest: FitRow[]; versions: Map<string, number>; experimentId: string; none: ReactNode }) {
  if (latest.length === 0) return <Empty>{none}</Empty>;
  const history = fits.filter((f) => f.axis === axis).sort((a, b) => a.variant.localeCompare(b.variant) || a.form.localeCompare(b.form) || b.version - a.version);
  const slug = axis.replace('+', '-');
  return (
    <>
      <div className="title-row">
        <h3>Fitted laws</h3>
        <TableCsvExport table={`fits-table-${slug}`} fileName={`fits-${slug}-${experimentId}`} />
      </div>
      <FitsTable fits={latest} versions={versions} symbol={symbol} testId={`fits-table-${slug}`} />
      <details>
        <summary>Version history ({history.length} versions: each refit on new runs adds one)</summary>
        <TableCsvExport table={`fits-history-${slug}`} fileName={`fits-history-${slug}-${experimentId}`} />
        <FitsTable fits={history} versions={versions} symbol={symbol} testId={`fits-history-${slug}`} />
      </details>
    </>
  );
}

export default async function ScalingPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = await experimentView(params, 'Scaling', '/scaling');
  if ('page' in view) return view.page;
  const { experiment, experiments } = view;
  const [runs, fits] = await Promise.all([loadRuns({ experimentId: experiment.id }), loadFits(experiment.id)]);
  const runRows = runs.ok ? runs.value : [];
  // Eval points only: a few per run, however long it trained.
  const ids = runRows.map((r) => r.id);
  const [byTokens, byCompute] = await Promise.all([loadCurves(ids, { x: 'tokens', y: 'evalLoss' }), loadCurves(ids, { x: 'flopsKaplan', y: 'evalLoss' })]);
  const curveError = !byTokens.ok ? byTokens.error : !byCompute.ok ? byCompute.error : undefined;
  const allFits = fits.ok ? fits.value : [];
  const { latest, versions } = latestVersions(allFits);
  const present = new Set([...runRows.map((r) => r.variant ?? 'unknown'), ...allFits.map((f) => f.variant)]);
  const variants = [...variantOrder.filter((v) => present.has(v)), ...[...present].filter((v) => !variantOrder.includes(v)).sort()];
  const runsOf = (variant: string) => runRows.filter((r) => (r.variant ?? 'unknown') === variant);
  const latestOf = (axis: string, variant?: string) => latest.filter((f) => f.axis === axis && (variant === undefined || f.variant === variant));
  const runsLink = <Link href={`/runs?experiment=${encodeURIComponent(experiment.id)}`}>see its runs</Link>;
  return (
    <>
      <div className="title-row">
        <h1>Scaling</h1>
        <LiveRefresh kinds={['fit', 'run']} />
      </div>
      <ExperimentPicker action="/scaling" experiments={experiments} selected={experiment.id} />
      {!runs.ok && <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>}
      {curveError && <ErrorBox title="The eval-loss curves could not be read from the database">{curveError}</ErrorBox>}
      {!fits.ok && <ErrorBox title="The scaling fits could not be read from the database">{fits.error}</ErrorBox>}
      <p className="muted small">
        Loss of <strong>{experiment.name}</strong> against each scale on log-log axes, the simplified corpus beside its regular control. Each law is the latest
        version the scaling service fitted: solid over the data it was fitted on, dashed beyond it (extrapolated to 4× the largest value), shaded over its 95%
        confidence band (at each value, the central 95% of the losses the bootstrap refits predict; for a fit stored before that band, the range its
        parameters&apos; intervals allow taken together, a conservative band). Runs against tokens and compute are their eval-loss
        curves; those laws are fitted on the lowest loss any run reached at each value, the compute one being the compute-optimal frontier.
      </p>
      {variants.length === 0 && (
        <Empty>
          No run of this experiment yet: its charts fill in as runs evaluate ({runsLink}).
        </Empty>
      )}
      <nav className="controls" aria-label="Axes">
        <span>Loss against</span>
        {singleAxes.map((a) => (
          <a key={a.axis} href={`#axis-${a.axis}`}>
            {a.symbol}
          </a>
        ))}
        <a href="#axis-joint">L(N, D)</a>
        {latest.length > 0 && (
          <a href={`/api/fits.tex?experiment=${encodeURIComponent(experiment.id)}`} download>
            LaTeX table of the fitted parameters
          </a>
        )}
      </nav>
      {singleAxes.map(({ axis, symbol, label }) => {
        const curves = axis === 'tokens' ? (byTokens.ok ? byTokens.value : undefined) : axis === 'compute' ? (byCompute.ok ? byCompute.value : undefined) : undefined;
        return (
          <section key={axis} id={`axis-${axis}`} data-axis={axis}>
            <h2>Loss against {label}</h2>
            <div className="grid-2">
              {variants.map((variant) => {
                const { series, bands } = axisChart(axis, variant, runsOf(variant), curves, latestOf(axis, variant), latestOf(jointAxis, variant)[0]);
                return (
                  <Chart
                    key={variant}
                    title={`Eval loss against ${label}, ${variant} corpus, ${experiment.name}`}
                    testId={`scaling-${axis}-${variant}`}
                    exportName={`scaling-${axis}-${variant}-${experiment.id}`}
                    size="compact"
                    series={series}
                    bands={bands}
                    xLabel={`${variant}: ${label}`}
                    yLabel="eval loss (nats/token)"
                    logX
                    logY
                    empty={
                      <>
                        No {variant} run of this experiment has an eval loss yet: points appear as runs evaluate ({runsLink}).
                      </>
                    }
                  />
                );
              })}
            </div>
            <LawTables
              axis={axis}
              symbol={symbol}
              fits={allFits}
              latest={latestOf(axis)}
              versions={versions}
              experimentId={experiment.id}
              none={`No law against ${symbol} fitted yet: the scaling service fits a pure power law once completed runs of 3 model sizes of a variant have eval losses (4 for the law with a constant).`}
            />
          </section>
        );
      })}
      <section id="axis-joint" data-axis={jointAxis}>
        <h2>Joint law L(N, D) and the compute-optimal allocation</h2>
        <p className="muted small">
          N_opt(C) and D_opt(C) minimise the joint law&apos;s loss at compute C = 6·N·D (Hoffmann et al. 2022), across the data&apos;s compute range and one decade
          beyond it.
        </p>
        <div className="grid-2">
          {variants.map((variant) => {
            const joint = latestOf(jointAxis, variant)[0];
            const allocations = joint ? computeOptimal(joint) : { skipped: 'no joint law is fitted yet: it needs completed runs of 4 model sizes with eval losses at 3 token counts' };
            const list = Array.isArray(allocations) ? allocations : [];
            return (
              <div key={variant}>
                <Chart
                  title={`Compute-optimal model size and tokens against compute, ${variant} corpus, ${experiment.name}`}
                  testId={`scaling-optimal-${variant}`}
                  exportName={`scaling-optimal-${variant}-${experiment.id}`}
                  size="compact"
                  series={[
                    { id: 'n-opt', label: 'N_opt(C), parameters', color: palette[0]!, mode: 'both', points: list.map((a) => ({ x: a.compute, y: a.N })) },
                    { id: 'd-opt', label: 'D_opt(C), tokens', color: palette[1]!, mode: 'both', points: list.map((a) => ({ x: a.compute, y: a.D })) },
                  ]}
                  xLabel={`${variant}: compute C (FLOPs)`}
                  yLabel="N_opt (parameters), D_opt (tokens)"
                  logX
                  logY
                  empty={<>No compute-optimal allocation for the {variant} corpus: {Array.isArray(allocations) ? 'the fit stores none' : allocations.skipped}.</>}
                />
                {list.length > 0 && (
                  <>
                    <TableCsvExport table={`optimal-${variant}`} fileName={`compute-optimal-${variant}-${experiment.id}`} />
                    <div className="table-wrap">
                      <table className="data" data-testid={`optimal-${variant}`}>
                        <thead>
                          <tr>
                            <th className="num">C (FLOPs)</th>
                            <th className="num">N_opt</th>
                            <th className="num">D_opt</th>
                            <th className="num" title="tokens per parameter">D/N</th>
                            <th className="num">predicted loss</th>
                          </tr>
                        </thead>
                        <tbody>
                          {list.map((a) => (
                            <tr key={a.compute}>
                              <td className="num" data-csv={a.compute}>{formatParameter(a.compute)}</td>
                              <td className="num" data-csv={a.N}>{formatCount(a.N)}</td>
                              <td className="num" data-csv={a.D}>{formatCount(a.D)}</td>
                              <td className="num" data-csv={a.D / a.N}>{(a.D / a.N).toPrecision(3)}</td>
                              <td className="num" data-csv={a.loss}>{formatLoss(a.loss)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </>
                )}
              </div>
            );
          })}
        </div>
        <LawTables
          axis={jointAxis}
          symbol="N, D"
          fits={allFits}
          latest={latestOf(jointAxis)}
          versions={versions}
          experimentId={experiment.id}
          none="No joint law fitted yet: it needs completed runs of 4 model sizes with eval losses at 3 token counts (10 points)."
        />
      </section>
    </>
  );
}
