// All database access of the dashboard: one DataSource per server process, opened lazily
// from the environment, and read helpers that turn entities into plain rows for the pages.
// Nothing here throws at a page: every loader returns `{ ok: false, error }` instead.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type * as Persistence from '@downscale/persistence';
import type { Experiment } from '@downscale/persistence';
import type { RunTableRow } from './runs-view';
import { fittedPoints, type FitRow } from './scaling-view';

type PersistenceModule = typeof Persistence;
type DataSource = Awaited<ReturnType<PersistenceModule['openDatabase']>>;

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DatabaseTarget {
  kind: 'postgres' | 'sqlite';
  url: string | undefined;
  sqlitePath: string;
  /** What to show: the SQLite path, or the PostgreSQL URL without its password. */
  display: string;
}

export interface ExperimentRow {
  id: string;
  name: string;
  preset: string | null;
  state: string | null;
  createdAt: string | null;
}

export type { RunTableRow } from './runs-view';
export type { FitRow } from './scaling-view';

export interface RunDetail extends RunTableRow {
  config: Record<string, unknown>;
  corpusId: string | null;
  failureReason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Metric point columns a chart can put on its x axis (all grow with the step) and on its y axis. */
export type CurveX = 'step' | 'tokens' | 'flopsKaplan';
export type CurveY = 'trainLoss' | 'evalLoss';

export interface CheckpointRow {
  id: string;
  runId: string;
  step: number;
  tokens: number;
  uri: string;
  variant: string | null;
  params: number | null;
  paramsNonEmbedding: number | null;
  hiddenSize: number | null;
  layers: number | null;
  seed: number | null;
}

export interface EvalRow {
  checkpointId: string;
  task: string;
  taskVersion: string;
  n: number;
  acc: number | null;
  accNorm: number | null;
  stderr: number | null;
  loss: number | null;
  chance: number | null;
}

/** A published result of an external model (e.g. Pythia) on a task: a reference mark. */
export interface BaselineRow {
  model: string;
  family: string;
  params: number | null;
  task: string;
  taskVersion: string;
  /** `acc`, `acc_norm`, `loss`... */
  metric: string;
  value: number;
}

const queryTimeoutMs = 5_000;

/** The repository root: the nearest folder above the working directory with an npm workspaces package.json. */
function findRepoRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not a readable manifest: keep looking
      }
    }
    if (dirname(dir) === dir) return resolve(start);
  }
}

let repoRoot: string | undefined;

/**
 * DATABASE_URL (postgres://) selects PostgreSQL. Otherwise SQLite at DOWNSCALE_SQLITE_PATH, or
 * at DOWNSCALE_HOME/downscale.sqlite (DOWNSCALE_HOME defaults to .downscale). Relative paths
 * are taken from the repository root, as the services and the CLI do, because `next start`
 * runs with apps/dashboard as its working directory.
 */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const root = (repoRoot ??= findRepoRoot(process.cwd()));
  const fromRoot = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const sqlitePath = env.DOWNSCALE_SQLITE_PATH
    ? fromRoot(env.DOWNSCALE_SQLITE_PATH)
    : join(fromRoot(env.DOWNSCALE_HOME || '.downscale'), 'downscale.sqlite');
  // Any DATABASE_URL goes to openDatabase, which explains one that is not a postgres:// URL.
  const url = env.DATABASE_URL?.trim() || undefined;
  if (url) return { kind: 'postgres', url, sqlitePath, display: url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@') };
  return { kind: 'sqlite', url: undefined, sqlitePath, display: sqlitePath };
}

/**
 * @downscale/persistence is loaded by Node at run time, never bundled. It is a workspace
 * package (a symlink out of node_modules), which Turbopack bundles in spite of
 * serverExternalPackages; a bundled copy per route would give each route its own entity
 * classes, and TypeORM only knows the classes of the DataSource that registered them
 * ("No metadata for ..."). One Node module instance per process avoids that.
 */
function persistence(): Promise<PersistenceModule> {
  return import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/persistence');
}

// Cached on globalThis: Next may evaluate this module more than once per process (one copy
// per route bundle), and there must still be only one pool per process.
const cacheKey = Symbol.for('downscale.dashboard.database');
type Cache = { [cacheKey]?: Promise<DataSource> };

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${queryTimeoutMs / 1000} s`)), queryTimeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function getDatabase(): Promise<DataSource> {
  const cache = globalThis as Cache;
  const cached = cache[cacheKey];
  if (cached) return cached;
  const target = databaseTarget();
  // The dashboard only reads: it verifies the schema, migrations are the CLI's job.
  const opening = persistence().then(({ openDatabase }) => openDatabase({ url: target.url, sqlitePath: target.sqlitePath, migrate: 'verify' }));
  cache[cacheKey] = opening;
  // A failed open is not cached: the next request tries again (the database may come up later).
  opening.catch(() => {
    if (cache[cacheKey] === opening) delete cache[cacheKey];
  });
  return opening;
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

async function load<T>(what: string, work: (ds: DataSource) => Promise<T>): Promise<Loaded<T>> {
  try {
    const ds = await withTimeout(getDatabase(), 'the database');
    return { ok: true, value: await withTimeout(work(ds), what) };
  } catch (error) {
    const target = databaseTarget();
    const text = message(error);
    // Say which database, unless the error already does (openDatabase's errors name it).
    return { ok: false, error: text.includes(target.display) ? `${what} failed: ${text}` : `${what} failed (${target.kind} ${target.display}): ${text}` };
  }
}

/** For the readiness probe: can the database answer a trivial query? */
export async function checkDatabase(): Promise<{ ok: boolean; detail: string }> {
  const result = await load('SELECT 1', async (ds) => {
    await ds.query('SELECT 1');
    return `${databaseTarget().kind} reachable`;
  });
  return result.ok ? { ok: true, detail: result.value } : { ok: false, detail: result.error };
}

function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function iso(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  return str(value);
}

function toExperimentRow(e: Experiment): ExperimentRow {
  return { id: e.id, name: e.name, preset: str(e.preset), state: str(e.state), createdAt: iso(e.createdAt) };
}

async function experimentsOf(ds: DataSource): Promise<Experiment[]> {
  const { Experiment } = await persistence();
  return ds.getRepository(Experiment).find({ order: { createdAt: 'DESC' } });
}

export function loadExperiments(): Promise<Loaded<ExperimentRow[]>> {
  return load('listing experiments', async (ds) => (await experimentsOf(ds)).map(toExperimentRow));
}

type RawRow = Record<string, unknown>;

function toRunRow(r: RawRow): RunTableRow {
  return {
    id: String(r.id),
    experimentId: String(r.experimentId),
    experimentName: str(r.experimentName),
    hiddenSize: num(r.hiddenSize),
    layers: num(r.layers),
    params: num(r.paramsTotal),
    paramsNonEmbedding: num(r.paramsNonEmbedding),
    variant: str(r.variant),
    seed: num(r.seed),
    state: String(r.state),
    backend: str(r.backend),
    lastStep: num(r.lastStep),
    lastTokens: num(r.lastTokens),
    lastTrainLoss: num(r.lastTrainLoss),
    lastEvalLoss: num(r.lastEvalLoss),
    bestEvalLoss: num(r.bestEvalLoss),
    createdAt: iso(r.createdAt),
  };
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string') return (value as T) ?? fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/**
 * Runs with their metric summaries, in one query: each summary is a correlated subquery
 * shaped as ORDER BY ... LIMIT 1 on an index that starts with run_id (the primary key
 * (run_id, step), or (run_id, eval_loss)), so a run costs a few index seeks, never a scan
 * of its points, however long it has trained.
 */
async function queryRuns(ds: DataSource, where: { experimentId?: string; runId?: string }, detail: boolean, summaries = true): Promise<RawRow[]> {
  const { MetricPoint, Run } = await persistence();
  type Sub = ReturnType<DataSource['createQueryBuilder']>;
  const latest = (column: string, orderBy = 'step', direction: 'ASC' | 'DESC' = 'DESC') => (sub: Sub) =>
    sub
      .select(`point.${column}`)
      .from(MetricPoint, 'point')
      .where('point.runId = run.id')
      .andWhere(`point.${column} IS NOT NULL`)
      .orderBy(`point.${orderBy}`, direction)
      .limit(1);
  const query = ds
    .getRepository(Run)
    .createQueryBuilder('run')
    .leftJoin('run.experiment', 'experiment')
    .select('run.id', 'id')
    .addSelect('run.experimentId', 'experimentId')
    .addSelect('experiment.name', 'experimentName');
  for (const column of ['hiddenSize', 'layers', 'paramsTotal', 'paramsNonEmbedding', 'variant', 'seed', 'state', 'backend', 'createdAt']) {
    query.addSelect(`run.${column}`, column);
  }
  if (detail) for (const column of ['config', 'corpusId', 'failureReason', 'startedAt', 'finishedAt']) query.addSelect(`run.${column}`, column);
  if (summaries) {
    query
      .addSelect(latest('step'), 'lastStep')
      .addSelect(latest('tokens'), 'lastTokens')
      .addSelect(latest('trainLoss'), 'lastTrainLoss')
      .addSelect(latest('evalLoss'), 'lastEvalLoss')
      .addSelect(latest('evalLoss', 'evalLoss', 'ASC'), 'bestEvalLoss');
  }
  query.orderBy('run.createdAt', 'DESC').addOrderBy('run.id', 'ASC');
  if (where.experimentId !== undefined) query.andWhere('run.experimentId = :experimentId', { experimentId: where.experimentId });
  if (where.runId !== undefined) query.andWhere('run.id = :runId', { runId: where.runId });
  return query.getRawMany<RawRow>();
}

export function loadRuns(filter: { experimentId?: string } = {}): Promise<Loaded<RunTableRow[]>> {
  return load('listing runs', async (ds) => (await queryRuns(ds, filter, false)).map(toRunRow));
}

/** The runs as loadRuns lists them, without their metric summaries (null): what a chart needs to label and colour them, for less. */
export function loadRunConfigs(filter: { experimentId?: string } = {}): Promise<Loaded<RunTableRow[]>> {
  return load('listing runs', async (ds) => (await queryRuns(ds, filter, false, false)).map(toRunRow));
}

/** One run with its configuration; null when there is no such run. */
export function loadRun(runId: string): Promise<Loaded<RunDetail | null>> {
  return load(`reading run ${runId}`, async (ds) => {
    const [raw] = await queryRuns(ds, { runId }, true);
    if (!raw) return null;
    return {
      ...toRunRow(raw),
      config: parseJson<Record<string, unknown>>(raw.config, {}),
      corpusId: str(raw.corpusId),
      failureReason: str(raw.failureReason),
      startedAt: iso(raw.startedAt),
      finishedAt: iso(raw.finishedAt),
    };
  });
}

/** Raw SQL over the metric points: escaped names of the table and of an entity property's column, and a query with named parameters. */
async function metricPointSql(ds: DataSource) {
  const { MetricPoint } = await persistence();
  const metadata = ds.getMetadata(MetricPoint);
  return {
    table: ds.driver.escape(metadata.tableName),
    column: (property: string) => ds.driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName),
    query: async (sql: string, parameters: Record<string, unknown>) => {
      const [text, values] = ds.driver.escapeQueryWithParameters(sql, parameters);
      return (await ds.query(text, values)) as Record<string, unknown>[];
    },
    /**
     * `sql` prepared once, to run with several parameter sets. On SQLite the statement is
     * better-sqlite3's own, whose rows are built in C++: for a zoomed 50-run chart's 50,000
     * points 28 ms, against 57 ms for TypeORM's rows or for raw rows turned into objects.
     */
    prepare: (sql: string) => {
      const sqlite = ds.options.type === 'better-sqlite3' ? (ds.driver as unknown as { databaseConnection: BetterSqliteDatabase }).databaseConnection : undefined;
      let statement: BetterSqliteStatement | undefined;
      return async (parameters: Record<string, unknown>): Promise<Record<string, unknown>[]> => {
        const [text, values] = ds.driver.escapeQueryWithParameters(sql, parameters);
        if (!sqlite) return (await ds.query(text, values)) as Record<string, unknown>[];
        statement ??= sqlite.prepare(text);
        return statement.all(...values);
      };
    },
  };
}

/** The part of better-sqlite3's API that `prepare` uses (the driver is loaded through TypeORM at run time). */
interface BetterSqliteStatement {
  all(...values: unknown[]): Record<string, unknown>[];
}
interface BetterSqliteDatabase {
  prepare(sql: string): BetterSqliteStatement;
}

/**
 * One curve per run: (x, y) of its metric points that have a `y`, in step order, optionally
 * only those with a step in [fromStep, toStep]. Only the two columns drawn are read, with
 * one query per run: a zoomed 50-run chart reads 50,000 points, and reading each row's run
 * id besides them made that a third slower (SQLite, median 104 against 76 ms).
 */
export function loadCurves(
  runIds: readonly string[],
  axes: { x: CurveX; y: CurveY },
  range: { fromStep?: number; toStep?: number } = {},
): Promise<Loaded<Map<string, { x: number; y: number }[]>>> {
  return load('reading metric curves', async (ds) => {
    const { table, column, prepare } = await metricPointSql(ds);
    const [run, step, x, y] = [column('runId'), column('step'), column(axes.x), column(axes.y)];
    const curveOf = prepare(
      `SELECT ${x} AS x, ${y} AS y FROM ${table} WHERE ${run} = :runId AND ${y} IS NOT NULL${range.fromStep !== undefined ? ` AND ${step} >= :fromStep` : ''}${
        range.toStep !== undefined ? ` AND ${step} <= :toStep` : ''
      } ORDER BY ${step}`,
    );
    const curves = await Promise.all(
      runIds.map(async (runId) => {
        const rows = await curveOf({ runId, ...range });
        // SQLite's rows are already numeric { x, y }; PostgreSQL's bigint columns come as text.
        const numeric = rows.length === 0 || (typeof rows[0]!.x === 'number' && typeof rows[0]!.y === 'number');
        return [runId, (numeric ? rows : rows.map((row) => ({ x: Number(row.x), y: Number(row.y) }))) as { x: number; y: number }[]] as const;
      }),
    );
    return new Map(curves);
  });
}

/**
 * One curve per run as a chart `columns` wide can show it, reduced in the database: per run
 * and column of equal width in x (in log x on a log axis), the first and the last point of
 * the column and its lowest and highest y, the two extremes placed midway between the first
 * and the last x (within a column, their exact x is below a pixel). Reading every point of
 * 50 runs as rows costs most of a page; grouping them in SQL does not, and no spike is lost
 * (the highest and lowest y of every column are kept exactly).
 */
export function loadCurveExtremes(runIds: readonly string[], axes: { x: CurveX; y: CurveY }, log: boolean, columns: number): Promise<Loaded<Map<string, { x: number; y: number }[]>>> {
  return load('reading metric curves', async (ds) => {
    const curves = new Map<string, { x: number; y: number }[]>(runIds.map((id) => [id, []]));
    if (runIds.length === 0) return curves;
    const { table, column, query } = await metricPointSql(ds);
    const [run, step, x, y] = [column('runId'), column('step'), column(axes.x), column(axes.y)];
    // Cast: PostgreSQL would otherwise take a parameter next to a bigint column as a bigint.
    const real = (sql: string) => `CAST(${sql} AS DOUBLE PRECISION)`;
    const where = `${run} IN (:...runIds) AND ${y} IS NOT NULL${log ? ` AND ${x} > 0` : ''}`;
    const [domain] = await query(`SELECT MIN(${x}) AS lo, MAX(${x}) AS hi FROM ${table} WHERE ${where}`, { runIds: [...runIds] });
    const [lo, hi] = [num(domain?.lo), num(domain?.hi)];
    if (lo === null || hi === null) return curves;
    const scaled = (value: string) => (log ? `LN(${real(value)})` : real(value));
    const [from, to] = log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
    // The largest x falls in a column of its own past the last: harmless, one more point.
    const scale = to > from ? columns / (to - from) : 0;
    const rows = await query(
      `SELECT c.r AS r, f.${x} AS fx, f.${y} AS fy, c.lo AS lo, c.hi AS hi, l.${x} AS lx, l.${y} AS ly FROM (
         SELECT p.r AS r, MIN(p.s) AS fs, MAX(p.s) AS ls, MIN(p.y) AS lo, MAX(p.y) AS hi FROM (
           SELECT ${run} AS r, ${step} AS s, ${y} AS y, FLOOR((${scaled(x)} - ${real(':from')}) * ${real(':scale')}) AS b FROM ${table} WHERE ${where}
         ) p GROUP BY p.r, p.b
       ) c
       JOIN ${table} f ON f.${run} = c.r AND f.${step} = c.fs
       JOIN ${table} l ON l.${run} = c.r AND l.${step} = c.ls
       ORDER BY c.r, c.fs`,
      { runIds: [...runIds], from, scale },
    );
    for (const row of rows) {
      const curve = curves.get(String(row.r));
      const [fx, fy, lx, ly, low, high] = [row.fx, row.fy, row.lx, row.ly, row.lo, row.hi].map(Number) as [number, number, number, number, number, number];
      if (!curve) continue;
      if (fx === lx) {
        curve.push({ x: fx, y: fy });
        continue;
      }
      const middle = log ? Math.sqrt(fx * lx) : (fx + lx) / 2;
      // The extreme nearer the column's start in y comes first: the line does not cross itself.
      const [a, b] = Math.abs(fy - low) <= Math.abs(fy - high) ? [low, high] : [high, low];
      curve.push({ x: fx, y: fy }, { x: middle, y: a }, { x: middle, y: b }, { x: lx, y: ly });
    }
    return curves;
  });
}

/** Checkpoints (with their run's size and variant) and their evaluation results, of an experiment or of one run. */
export function loadEvaluations(where: { experimentId: string } | { runId: string }): Promise<Loaded<{ checkpoints: CheckpointRow[]; results: EvalRow[] }>> {
  return load('reading checkpoints and evaluation results', async (ds) => {
    const { Checkpoint, EvalResult } = await persistence();
    const [column, value] = 'runId' in where ? ['run.id', where.runId] : ['run.experimentId', where.experimentId];
    const checkpoints = await ds
      .getRepository(Checkpoint)
      .createQueryBuilder('checkpoint')
      .innerJoin('checkpoint.run', 'run')
      .select('checkpoint.id', 'id')
      .addSelect('checkpoint.runId', 'runId')
      .addSelect('checkpoint.step', 'step')
      .addSelect('checkpoint.tokens', 'tokens')
      .addSelect('checkpoint.uri', 'uri')
      .addSelect('run.variant', 'variant')
      .addSelect('run.paramsTotal', 'paramsTotal')
      .addSelect('run.paramsNonEmbedding', 'paramsNonEmbedding')
      .addSelect('run.hiddenSize', 'hiddenSize')
      .addSelect('run.layers', 'layers')
      .addSelect('run.seed', 'seed')
      .where(`${column} = :value`, { value })
      .orderBy('run.paramsTotal', 'ASC')
      .addOrderBy('checkpoint.runId', 'ASC')
      .addOrderBy('checkpoint.step', 'ASC')
      .getRawMany<RawRow>();
    const results = await ds
      .getRepository(EvalResult)
      .createQueryBuilder('result')
      .innerJoin('result.checkpoint', 'checkpoint')
      .innerJoin('checkpoint.run', 'run')
      .select('result.checkpointId', 'checkpointId')
      .addSelect('result.task', 'task')
      .addSelect('result.taskVersion', 'taskVersion')
      .addSelect('result.n', 'n')
      .addSelect('result.acc', 'acc')
      .addSelect('result.accNorm', 'accNorm')
      .addSelect('result.stderr', 'stderr')
      .addSelect('result.loss', 'loss')
      .addSelect('result.chance', 'chance')
      .where(`${column} = :value`, { value })
      .orderBy('result.task', 'ASC')
      .addOrderBy('result.taskVersion', 'ASC')
      .getRawMany<RawRow>();
    return {
      checkpoints: checkpoints.map((c) => ({
        id: String(c.id),
        runId: String(c.runId),
        step: Number(c.step),
        tokens: Number(c.tokens),
        uri: String(c.uri),
        variant: str(c.variant),
        params: num(c.paramsTotal),
        paramsNonEmbedding: num(c.paramsNonEmbedding),
        hiddenSize: num(c.hiddenSize),
        layers: num(c.layers),
        seed: num(c.seed),
      })),
      results: results.map((r) => ({
        checkpointId: String(r.checkpointId),
        task: String(r.task),
        taskVersion: String(r.taskVersion),
        n: Number(r.n),
        acc: num(r.acc),
        accNorm: num(r.accNorm),
        stderr: num(r.stderr),
        loss: num(r.loss),
        chance: num(r.chance),
      })),
    };
  });
}

/** Every stored version of an experiment's scaling fits, on every axis, newest version first. */
export function loadFits(experimentId: string): Promise<Loaded<FitRow[]>> {
  return load('reading scaling fits', async (ds) => {
    const { ScalingFit } = await persistence();
    const fits = await ds.getRepository(ScalingFit).find({ where: { experimentId }, order: { version: 'DESC' } });
    return fits.map((f) => {
      const diagnostics = parseJson<Record<string, unknown>>(f.diagnostics, {});
      const r2 = diagnostics.r2LogSpace;
      return {
        id: f.id,
        axis: f.axis,
        form: f.form,
        variant: f.variant,
        version: f.version,
        inputs: f.inputs,
        parameters: f.parameters,
        intervals: f.intervals,
        points: fittedPoints(f.axis, f.residuals),
        runIds: f.runIds,
        r2LogSpace: typeof r2 === 'number' ? r2 : null,
        diagnostics,
        createdAt: iso(f.createdAt),
      };
    });
  });
}

/** Every imported baseline result, by task. */
export function loadBaselines(): Promise<Loaded<BaselineRow[]>> {
  return load('reading baselines', async (ds) => {
    const { Baseline } = await persistence();
    const rows = await ds.getRepository(Baseline).find({ order: { task: 'ASC', model: 'ASC' } });
    return rows.map((b) => ({ model: b.model, family: b.family, params: num(b.params), task: b.task, taskVersion: b.taskVersion, metric: b.metric, value: b.value }));
  });
}

export interface CorpusRow {
  id: string;
  source: string;
  variant: string;
  contentHash: string;
  uri: string | null;
  /** The vocabulary's name and size, for a simplified corpus. */
  vocabulary: { name: string; wordCount: number } | null;
  /** As the corpus service stored it (see lib/corpus-stats.ts). */
  stats: unknown;
  createdAt: string | null;
  /** Runs of the experiment trained on it. */
  runs: number;
}

/**
 * The corpora an experiment's runs train on (a corpus is content-hashed and shared by every
 * experiment with the same inputs, so the link is through the runs), simplified first.
 */
export function loadCorpora(experimentId: string): Promise<Loaded<CorpusRow[]>> {
  return load('reading corpora', async (ds) => {
    const { Corpus, Run } = await persistence();
    const rows = await ds
      .getRepository(Run)
      .createQueryBuilder('run')
      .select('run.corpusId', 'corpusId')
      .addSelect('COUNT(*)', 'runs')
      .where('run.experimentId = :experimentId', { experimentId })
      .andWhere('run.corpusId IS NOT NULL')
      .groupBy('run.corpusId')
      .getRawMany<{ corpusId: string; runs: unknown }>();
    if (rows.length === 0) return [];
    const runsOf = new Map(rows.map((r) => [String(r.corpusId), Number(r.runs)]));
    const corpora = await ds
      .getRepository(Corpus)
      .createQueryBuilder('corpus')
      .leftJoinAndSelect('corpus.vocabulary', 'vocabulary')
      .where('corpus.id IN (:...ids)', { ids: [...runsOf.keys()] })
      .getMany();
    return corpora
      .map((c) => ({
        id: c.id,
        source: c.source,
        variant: String(c.variant),
        contentHash: c.contentHash,
        uri: str(c.uri),
        vocabulary: c.vocabulary ? { name: c.vocabulary.name, wordCount: c.vocabulary.wordCount } : null,
        stats: parseJson<unknown>(c.stats, null),
        createdAt: iso(c.createdAt),
        runs: runsOf.get(c.id) ?? 0,
      }))
      .sort((a, b) => (a.variant === b.variant ? a.id.localeCompare(b.id) : a.variant === 'simplified' ? -1 : 1));
  });
}
