// The runs table's view state (filters, sort) as it lives in the URL query string, so that a
// view can be shared as a link; and applying it to the rows. Pure: no database, no React.
// The .ts specifier: Next resolves it, and tsc rewrites it to .js for the unit tests run from dist/ by plain Node.
import { csvText, type CsvValue } from './csv.ts';

export interface RunTableRow {
  id: string;
  experimentId: string;
  experimentName: string | null;
  hiddenSize: number | null;
  layers: number | null;
  /** All parameters, embeddings included. */
  params: number | null;
  paramsNonEmbedding: number | null;
  variant: string | null;
  seed: number | null;
  state: string;
  backend: string | null;
  lastStep: number | null;
  /** Tokens trained on so far: those of the latest metric point. */
  lastTokens: number | null;
  lastTrainLoss: number | null;
  /** Eval loss of the latest step that has one. */
  lastEvalLoss: number | null;
  bestEvalLoss: number | null;
  createdAt: string | null;
}

export const sortableColumns = [
  'created',
  'id',
  'experiment',
  'hidden',
  'layers',
  'params',
  'nonEmbedding',
  'variant',
  'seed',
  'state',
  'tokens',
  'trainLoss',
  'evalLoss',
  'bestEvalLoss',
  'backend',
] as const;
export type SortColumn = (typeof sortableColumns)[number];

export interface RunsQuery {
  experiment?: string;
  state?: string;
  variant?: string;
  /** Substring of the run id or the backend, case-insensitive. */
  search?: string;
  sort: SortColumn;
  dir: 'asc' | 'desc';
}

export const defaultRunsQuery: RunsQuery = { sort: 'created', dir: 'desc' };

/** A page's `searchParams`, as Next.js passes them. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, trimmed; undefined when absent or blank. */
export function single(params: SearchParams, key: string): string | undefined {
  const value = params[key];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

/** Reads the view from the query string; an unknown sort column or direction falls back to the default. */
export function parseRunsQuery(params: SearchParams): RunsQuery {
  const sort = single(params, 'sort');
  const dir = single(params, 'dir');
  const query: RunsQuery = {
    sort: (sortableColumns as readonly string[]).includes(sort ?? '') ? (sort as SortColumn) : defaultRunsQuery.sort,
    dir: dir === 'asc' || dir === 'desc' ? dir : defaultRunsQuery.dir,
  };
  for (const key of ['experiment', 'state', 'variant'] as const) {
    const value = single(params, key);
    if (value) query[key] = value;
  }
  const search = single(params, 'q');
  if (search) query.search = search;
  return query;
}

/** The query string of a view (without the defaults), e.g. `?state=running&sort=params&dir=asc`. */
export function runsQueryString(query: RunsQuery): string {
  const params = new URLSearchParams();
  if (query.experiment) params.set('experiment', query.experiment);
  if (query.state) params.set('state', query.state);
  if (query.variant) params.set('variant', query.variant);
  if (query.search) params.set('q', query.search);
  if (query.sort !== defaultRunsQuery.sort || query.dir !== defaultRunsQuery.dir) {
    params.set('sort', query.sort);
    params.set('dir', query.dir);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Clicking a column header: sort by it, or flip the direction when it is already the sort column. */
export function toggledSort(query: RunsQuery, column: SortColumn): RunsQuery {
  if (query.sort === column) return { ...query, dir: query.dir === 'asc' ? 'desc' : 'asc' };
  // Text columns read best A to Z, numbers and times largest first.
  const ascending: readonly SortColumn[] = ['id', 'experiment', 'variant', 'state', 'backend'];
  return { ...query, sort: column, dir: ascending.includes(column) ? 'asc' : 'desc' };
}

function sortKey(row: RunTableRow, column: SortColumn): string | number | null {
  switch (column) {
    case 'created':
      return row.createdAt;
    case 'id':
      return row.id;
    case 'experiment':
      return row.experimentName ?? row.experimentId;
    case 'hidden':
      return row.hiddenSize;
    case 'layers':
      return row.layers;
    case 'params':
      return row.params;
    case 'nonEmbedding':
      return row.paramsNonEmbedding;
    case 'variant':
      return row.variant;
    case 'seed':
      return row.seed;
    case 'state':
      return row.state;
    case 'tokens':
      return row.lastTokens;
    case 'trainLoss':
      return row.lastTrainLoss;
    case 'evalLoss':
      return row.lastEvalLoss;
    case 'bestEvalLoss':
      return row.bestEvalLoss;
    case 'backend':
      return row.backend;
  }
}

/** Filters and sorts; rows without a value in the sort column come last in either direction, ties go by run id. */
export function applyRunsQuery(rows: readonly RunTableRow[], query: RunsQuery): RunTableRow[] {
  const needle = query.search?.toLowerCase();
  const kept = rows.filter(
    (r) =>
      (!query.experiment || r.experimentId === query.experiment) &&
      (!query.state || r.state === query.state) &&
      (!query.variant || r.variant === query.variant) &&
      (!needle || r.id.toLowerCase().includes(needle) || (r.backend ?? '').toLowerCase().includes(needle)),
  );
  const sign = query.dir === 'asc' ? 1 : -1;
  return kept
    .map((row) => ({ row, key: sortKey(row, query.sort) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) return a.key === b.key ? a.row.id.localeCompare(b.row.id) : a.key === null ? 1 : -1;
      const order = typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : String(a.key).localeCompare(String(b.key));
      return order === 0 ? a.row.id.localeCompare(b.row.id) : sign * order;
    })
    .map(({ row }) => row);
}

const csvColumns: [header: string, value: (r: RunTableRow) => CsvValue][] = [
  ['run', (r) => r.id],
  ['experiment_id', (r) => r.experimentId],
  ['experiment', (r) => r.experimentName],
  ['hidden_size', (r) => r.hiddenSize],
  ['layers', (r) => r.layers],
  ['params_total', (r) => r.params],
  ['params_non_embedding', (r) => r.paramsNonEmbedding],
  ['variant', (r) => r.variant],
  ['seed', (r) => r.seed],
  ['state', (r) => r.state],
  ['last_step', (r) => r.lastStep],
  ['tokens', (r) => r.lastTokens],
  ['last_train_loss', (r) => r.lastTrainLoss],
  ['last_eval_loss', (r) => r.lastEvalLoss],
  ['best_eval_loss', (r) => r.bestEvalLoss],
  ['backend', (r) => r.backend],
  ['created_at', (r) => r.createdAt],
];

/** The rows as CSV (RFC 4180, CRLF line ends), full-precision numbers, empty fields for missing values. */
export function runsCsv(rows: readonly RunTableRow[]): string {
  return csvText([csvColumns.map(([header]) => header), ...rows.map((row) => csvColumns.map(([, value]) => value(row)))]);
}
