// Presentational pieces shared by the pages (server components, no client JavaScript).
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { ExperimentRow } from '../lib/database';
import { formatCount, formatInteger, formatLoss, formatText } from '../lib/format';
import { runsQueryString, toggledSort, type RunsQuery, type RunTableRow, type SortColumn } from '../lib/runs-view';

export function ErrorBox({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="error-box" role="alert">
      <strong>{title}</strong>
      <p>{children}</p>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Badge({ state }: { state: string }) {
  return <span className={`badge badge-${state.replace(/[^a-z]/g, '')}`}>{state}</span>;
}

function paramsTitle(run: RunTableRow): string | undefined {
  if (run.params === null) return undefined;
  const total = `${formatInteger(run.params)} parameters`;
  return run.paramsNonEmbedding === null ? total : `${total}, ${formatInteger(run.paramsNonEmbedding)} without embeddings`;
}

const columns: { key: SortColumn; label: string; title?: string; numeric?: boolean }[] = [
  { key: 'id', label: 'Run' },
  { key: 'experiment', label: 'Experiment' },
  { key: 'hidden', label: 'Hidden', title: 'hidden size (model width)', numeric: true },
  { key: 'layers', label: 'Layers', numeric: true },
  { key: 'params', label: 'Params', title: 'all parameters, embeddings included', numeric: true },
  { key: 'nonEmbedding', label: 'Non-emb.', title: 'parameters without the embeddings', numeric: true },
  { key: 'variant', label: 'Variant', title: 'corpus variant' },
  { key: 'seed', label: 'Seed', numeric: true },
  { key: 'state', label: 'State' },
  { key: 'tokens', label: 'Tokens', title: 'tokens trained on so far', numeric: true },
  { key: 'trainLoss', label: 'Train loss', title: 'latest train loss (nats/token)', numeric: true },
  { key: 'evalLoss', label: 'Eval loss', title: 'latest eval loss (nats/token)', numeric: true },
  { key: 'bestEvalLoss', label: 'Best eval', title: 'lowest eval loss (nats/token)', numeric: true },
  { key: 'backend', label: 'Backend', title: 'TensorFlow.js backend it trains on' },
];

function Header({ column, query }: { column: (typeof columns)[number]; query?: RunsQuery }) {
  const className = column.numeric ? 'num' : undefined;
  if (!query) {
    return (
      <th className={className} title={column.title}>
        {column.label}
      </th>
    );
  }
  const active = query.sort === column.key;
  const arrow = active ? (query.dir === 'asc' ? ' ▲' : ' ▼') : '';
  return (
    <th className={className} title={column.title} aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <Link href={`/runs${runsQueryString(toggledSort(query, column.key))}`} className={active ? 'sorted' : undefined} scroll={false}>
        {column.label}
        {arrow}
      </Link>
    </th>
  );
}

/**
 * The runs, one row each. With `query`, headers sort (links that keep the view in the URL);
 * with `selectable`, each row has a checkbox named `run` for the surrounding form. The
 * experiment column is left out when all rows belong to one experiment.
 */
export function RunsTable({ runs, query, selectable = false }: { runs: RunTableRow[]; query?: RunsQuery; selectable?: boolean }) {
  // One experiment needs no column (the table is wide enough at laptop width).
  const manyExperiments = new Set(runs.map((r) => r.experimentId)).size > 1;
  const shown = manyExperiments ? columns : columns.filter((c) => c.key !== 'experiment');
  return (
    <div className="table-wrap">
      <table className="data" data-testid="runs-table">
        <thead>
          <tr>
            {selectable && (
              <th>
                <span className="visually-hidden">Compare</span>
              </th>
            )}
            {shown.map((column) => (
              <Header key={column.key} column={column} query={query} />
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              {selectable && (
                <td>
                  <input type="checkbox" name="run" value={run.id} aria-label={`compare ${run.id}`} />
                </td>
              )}
              <td className="mono">
                <Link href={`/runs/${encodeURIComponent(run.id)}`}>{run.id}</Link>
              </td>
              {manyExperiments && <td title={run.experimentId}>{run.experimentName ?? <span className="mono">{run.experimentId}</span>}</td>}
              <td className="num">{formatInteger(run.hiddenSize)}</td>
              <td className="num">{formatInteger(run.layers)}</td>
              <td className="num" title={paramsTitle(run)}>
                {formatCount(run.params)}
              </td>
              <td className="num">{formatCount(run.paramsNonEmbedding)}</td>
              <td>{formatText(run.variant)}</td>
              <td className="num">{formatInteger(run.seed)}</td>
              <td>
                <Badge state={run.state} />
              </td>
              <td className="num" title={run.lastStep === null ? undefined : `step ${formatInteger(run.lastStep)}`}>
                {formatCount(run.lastTokens)}
              </td>
              <td className="num">{formatLoss(run.lastTrainLoss)}</td>
              <td className="num">{formatLoss(run.lastEvalLoss)}</td>
              <td className="num">{formatLoss(run.bestEvalLoss)}</td>
              <td>{formatText(run.backend)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A link-button of a group of exclusive choices kept in the URL. Not prefetched: every view is
 * rendered per request, so a prefetch gets little a click could use, and the curves view's 16
 * toggles prefetched at each render kept the server busy just when the chart was used (a zoom
 * right after the page loaded took 518-589 ms with them, 355-385 ms without; BENCHMARKS.md).
 */
export function Toggle({ href, active, children }: { href: string; active: boolean; children: ReactNode }) {
  return (
    <Link href={href} className="toggle" aria-current={active ? 'true' : undefined} scroll={false} prefetch={false}>
      {children}
    </Link>
  );
}

/** Choose the experiment a view shows (a plain GET form: works without JavaScript). */
export function ExperimentPicker({ action, experiments, selected }: { action: string; experiments: ExperimentRow[]; selected: string }) {
  return (
    <form className="controls" action={action} method="get">
      <label>
        Experiment
        <select name="experiment" defaultValue={selected}>
          {experiments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name} ({e.id})
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Show</button>
    </form>
  );
}

/** The experiment a view shows: the one in the URL, else the newest. */
export function pickExperiment(experiments: ExperimentRow[], requested: string | undefined): ExperimentRow | undefined {
  return experiments.find((e) => e.id === requested) ?? (requested ? undefined : experiments[0]);
}

export const noExperimentsYet = (
  <>
    No experiments yet: start the demo with <code>npm start</code>, or submit one with <code>npx downscale up --preset demo</code>.
  </>
);
