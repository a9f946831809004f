// Presentational pieces shared by the pages (server components, no client JavaScript).
import type { ReactNode } from 'react';
import type { RunRow } from '../lib/database';
import { formatCount, formatInteger, formatLoss, formatText } from '../lib/format';

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

function paramsTitle(run: RunRow): string | undefined {
  if (run.params === null) return undefined;
  const total = `${formatInteger(run.params)} parameters`;
  return run.paramsNonEmbedding === null ? total : `${total}, ${formatInteger(run.paramsNonEmbedding)} without embeddings`;
}

export function RunsTable({ runs }: { runs: RunRow[] }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Experiment</th>
            <th className="num">Hidden</th>
            <th className="num">Layers</th>
            <th className="num">Params</th>
            <th>Variant</th>
            <th className="num">Seed</th>
            <th>State</th>
            <th className="num">Last step</th>
            <th className="num">Train loss</th>
            <th className="num">Best eval loss</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td className="mono">{run.id}</td>
              <td title={run.experimentId}>{run.experimentName ?? <span className="mono">{run.experimentId}</span>}</td>
              <td className="num">{formatInteger(run.hiddenSize)}</td>
              <td className="num">{formatInteger(run.layers)}</td>
              <td className="num" title={paramsTitle(run)}>
                {formatCount(run.params)}
              </td>
              <td>{formatText(run.variant)}</td>
              <td className="num">{formatInteger(run.seed)}</td>
              <td>
                <Badge state={run.state} />
              </td>
              <td className="num">{formatInteger(run.lastStep)}</td>
              <td className="num">{formatLoss(run.lastTrainLoss)}</td>
              <td className="num">{formatLoss(run.bestEvalLoss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
