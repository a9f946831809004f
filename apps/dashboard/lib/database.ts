// All database access of the dashboard: one DataSource per server process, opened lazily
// from the environment, and read helpers that turn entities into plain rows for the pages.
// Nothing here throws at a page: every loader returns `{ ok: false, error }` instead.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type * as Persistence from '@downscale/persistence';
import type { Experiment, RunSummary } from '@downscale/persistence';

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

export interface RunRow {
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
  lastStep: number | null;
  lastTrainLoss: number | null;
  bestEvalLoss: number | null;
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

function toRunRow(r: RunSummary, names: Map<string, string>): RunRow {
  return {
    id: r.id,
    experimentId: r.experimentId,
    experimentName: names.get(r.experimentId) ?? null,
    hiddenSize: num(r.hiddenSize),
    layers: num(r.layers),
    params: num(r.paramsTotal),
    paramsNonEmbedding: num(r.paramsNonEmbedding),
    variant: str(r.variant),
    seed: num(r.seed),
    state: String(r.state),
    lastStep: num(r.lastStep),
    lastTrainLoss: num(r.lastTrainLoss),
    bestEvalLoss: num(r.bestEvalLoss),
  };
}

async function experimentsOf(ds: DataSource): Promise<Experiment[]> {
  const { Experiment } = await persistence();
  return ds.getRepository(Experiment).find({ order: { createdAt: 'DESC' } });
}

export function loadExperiments(): Promise<Loaded<ExperimentRow[]>> {
  return load('listing experiments', async (ds) => (await experimentsOf(ds)).map(toExperimentRow));
}

export function loadRuns(filter: { experimentId?: string } = {}): Promise<Loaded<RunRow[]>> {
  return load('listing runs', async (ds) => {
    const { listRuns } = await persistence();
    const [experiments, runs] = await Promise.all([experimentsOf(ds), listRuns(ds, filter)]);
    const names = new Map(experiments.map((e) => [e.id, e.name]));
    return runs.map((r) => toRunRow(r, names));
  });
}
