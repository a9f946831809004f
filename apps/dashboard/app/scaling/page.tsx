import type { Metadata } from 'next';
import Link from 'next/link';
import { predictPurePowerLoss, predictSaturatingLoss } from '@downscale/scaling-laws';
import { loadFits, loadRuns, type FitRow } from '../../lib/database';
import { formatCount, formatDate } from '../../lib/format';
import type { SearchParams } from '../../lib/runs-view';
import { Chart, palette, type ChartSeries } from '../chart';
import { Empty, ErrorBox, ExperimentPicker } from '../components';
import { experimentView } from '../experiment-view';
import { LiveRefresh } from '../live';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Scaling' };

const variantColor: Record<string, string> = { simplified: palette[0]!, regular: palette[1]! };
const formDash: Record<string, string | undefined> = { 'pure-power': undefined, 'power-plus-constant': '7 4' };
const formulas: Record<string, string> = { 'pure-power': 'L(N) = (N_c / N)^α', 'power-plus-constant': 'L(N) = E + A / N^α' };

/** The law's loss at x non-embedding parameters; undefined for a form the dashboard cannot draw. */
function predict(fit: FitRow, x: number): number | undefined {
  const p = fit.parameters;
  if (fit.form === 'pure-power' && p.xc !== undefined && p.alpha !== undefined) return predictPurePowerLoss({ xc: p.xc, alpha: p.alpha }, x);
  if (fit.form === 'power-plus-constant' && p.E !== undefined && p.A !== undefined && p.alpha !== undefined) {
    return predictSaturatingLoss({ E: p.E, A: p.A, alpha: p.alpha }, x);
  }
  return undefined;
}

/** The fitted curve across the data's range, extrapolated to 4x the largest model. */
function curve(fit: FitRow, from: number, to: number): { x: number; y: number }[] {
  const steps = 60;
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i <= steps; i++) {
    const x = from * (to / from) ** (i / steps);
    const y = predict(fit, x);
    if (y !== undefined && Number.isFinite(y) && y > 0) points.push({ x, y });
  }
  return points;
}

/** A bound the bootstrap could not pin down overflows, and JSON stores it as null: shown as unbounded. */
function formatParameter(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '∞';
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

export default async function ScalingPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = await experimentView(params, 'Scaling', '/scaling');
  if ('page' in view) return view.page;
  const { experiment, experiments } = view;
  const [runs, fits] = await Promise.all([loadRuns({ experimentId: experiment.id }), loadFits(experiment.id)]);
  const points = runs.ok ? runs.value.filter((r) => r.paramsNonEmbedding !== null && r.paramsNonEmbedding > 0 && r.bestEvalLoss !== null) : [];
  // The latest version of each (variant, form) against non-embedding parameters, the chart's x
  // axis (laws against tokens, compute or N and D are shown by `downscale fit --experiment`);
  // the number of versions for the history column.
  const latest = new Map<string, FitRow>();
  const versions = new Map<string, number>();
  for (const fit of (fits.ok ? fits.value : []).filter((f) => f.inputs.join('+') === 'params')) {
    const key = `${fit.variant}|${fit.form}`;
    if (!latest.has(key)) latest.set(key, fit);
    versions.set(key, (versions.get(key) ?? 0) + 1);
  }
  const current = [...latest.values()].sort((a, b) => a.variant.localeCompare(b.variant) || a.form.localeCompare(b.form));
  const xs = points.map((r) => r.paramsNonEmbedding!);
  const from = xs.length ? Math.min(...xs) / 1.5 : 1;
  const to = xs.length ? Math.max(...xs) * 4 : 10;
  const variants = [...new Set(points.map((r) => r.variant ?? 'unknown'))].sort();
  const series: ChartSeries[] = [
    ...variants.map((variant) => ({
      id: `runs-${variant}`,
      label: `${variant} runs (best eval loss)`,
      color: variantColor[variant] ?? palette[2]!,
      mode: 'points' as const,
      points: points.filter((r) => (r.variant ?? 'unknown') === variant).map((r) => ({ x: r.paramsNonEmbedding!, y: r.bestEvalLoss! })),
    })),
    ...current.map((fit) => ({
      id: `fit-${fit.variant}-${fit.form}`,
      label: `${fit.variant} fit: ${fit.form} v${fit.version}`,
      color: variantColor[fit.variant] ?? palette[2]!,
      ...(formDash[fit.form] ? { dash: formDash[fit.form] } : {}),
      points: xs.length ? curve(fit, from, to) : [],
    })),
  ];
  const parameterNames = (fit: FitRow) => Object.keys(fit.parameters).sort();
  return (
    <>
      <div className="title-row">
        <h1>Scaling</h1>
        <LiveRefresh kinds={['fit', 'run']} />
      </div>
      <ExperimentPicker action="/scaling" experiments={experiments} selected={experiment.id} />
      {!runs.ok && <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>}
      {!fits.ok && <ErrorBox title="The scaling fits could not be read from the database">{fits.error}</ErrorBox>}
      <p className="muted small">
        Each point is a run of <strong>{experiment.name}</strong> at its lowest eval loss; lines are the latest fit of each law per corpus variant
        (solid: pure power law, dashed: with an irreducible loss E), drawn to 4× the largest model to show the extrapolation.
      </p>
      <Chart
        title={`Eval loss against non-embedding parameters, ${experiment.name}`}
        testId="scaling-chart"
        series={series}
        xLabel="non-embedding parameters N"
        yLabel="best eval loss (nats/token)"
        logX
        logY
        empty={
          <>
            No run of this experiment has an eval loss yet: points appear as runs evaluate (<Link href={`/runs?experiment=${encodeURIComponent(experiment.id)}`}>see its runs</Link>).
          </>
        }
      />
      <h2>Fitted laws</h2>
      {current.length === 0 ? (
        <Empty>
          No fit yet: the scaling service fits a pure power law once 3 model sizes of a variant have completed (4 for the law with a constant).
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="fits-table">
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
              {current.map((fit) => (
                <tr key={fit.id} data-fit-id={fit.id}>
                  <td>{fit.variant}</td>
                  <td>
                    {fit.form} <span className="muted mono small">{formulas[fit.form] ?? ''}</span>
                  </td>
                  <td className="mono small">
                    {parameterNames(fit).map((name) => {
                      const interval = fit.intervals[name];
                      return (
                        <div key={name}>
                          {name} = {formatParameter(fit.parameters[name]!)}
                          {interval ? ` [${interval[0] === null ? '−∞' : formatParameter(interval[0])}, ${formatParameter(interval[1])}]` : ''}
                        </div>
                      );
                    })}
                  </td>
                  <td className="num">{fit.r2LogSpace === null ? '—' : fit.r2LogSpace.toFixed(3)}</td>
                  <td className="num">{fit.runIds.length}</td>
                  <td className="num" title={`${versions.get(`${fit.variant}|${fit.form}`)} versions stored`}>
                    v{fit.version}
                  </td>
                  <td>{formatDate(fit.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {points.length > 0 && (
        <p className="muted small">
          {points.length} runs with an eval loss, from {formatCount(Math.min(...xs))} to {formatCount(Math.max(...xs))} non-embedding parameters.
        </p>
      )}
    </>
  );
}
