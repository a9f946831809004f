#!/usr/bin/env node
// Metric points in libs/persistence: insert rate through MetricPointWriter, then listRuns and
// loadMetricCurve on 50 runs, one of them with 100,000 points, against the same data in a
// metric_point table without its indexes (primary key included).
//
//   node tools/bench-metric-points.mjs [--postgres postgres://user@host:5432/db] [--reps N]
//
// SQLite always (a file in a temp folder); PostgreSQL too when a URL is given (a fresh
// schema, dropped at the end). Build first: cd libs/persistence && npx tsc -b
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const RUNS = 50;
const BIG_RUN_POINTS = 100_000;
const OTHER_RUN_POINTS = 1_000;
/** Points per `add`, as one metrics.reported message would carry them. */
const POINTS_PER_MESSAGE = 100;
/** The dashboard's zoomed view: 1,000 steps from the middle of the big run. */
const RANGE = { fromStep: 50_000, toStep: 50_999 };

const { values } = parseArgs({ options: { postgres: { type: 'string' }, reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`--reps must be a positive integer, got ${values.reps}`);
  process.exit(2);
}

let persistence;
try {
  persistence = await import('../libs/persistence/dist/index.js');
} catch (error) {
  console.error(`cannot load libs/persistence/dist/index.js (${error.message}); build it first: cd libs/persistence && npx tsc -b`);
  process.exit(1);
}
const { Experiment, MetricPointWriter, Run, listRuns, loadMetricCurve, openDatabase } = persistence;

function metricPoints(fromStep, count) {
  return Array.from({ length: count }, (_, i) => {
    const step = fromStep + i;
    return {
      step,
      tokens: step * 65_536,
      flopsKaplan: step * 3.9e13,
      flopsHoffmann: step * 4.1e13,
      trainLoss: 2 + 8 / Math.sqrt(step + 1),
      ...(step % 500 === 0 ? { evalLoss: 2.1 + 8 / Math.sqrt(step + 1) } : {}),
      learningRate: 3e-4,
      tokensPerSecond: 120_000,
    };
  });
}

async function createRuns(dataSource) {
  const experiments = dataSource.getRepository(Experiment);
  const experiment = await experiments.save(experiments.create({ name: 'bench', preset: 'custom', spec: {}, state: 'running' }));
  const runs = dataSource.getRepository(Run);
  const start = Date.parse('2026-11-28T00:00:00Z');
  const created = [];
  for (let i = 0; i < RUNS; i++) {
    created.push(
      runs.create({
        id: `bench-run-${String(i).padStart(2, '0')}`,
        experimentId: experiment.id,
        config: {},
        hiddenSize: 64,
        layers: 2,
        variant: i % 2 ? 'regular' : 'simplified',
        seed: i,
        state: 'completed',
        createdAt: new Date(start + i * 60_000),
      }),
    );
  }
  await runs.save(created);
  return created.map((run) => run.id);
}

/** Writes every run's points through one writer, in messages of POINTS_PER_MESSAGE. */
async function writePoints(dataSource, runIds) {
  const writer = new MetricPointWriter(dataSource);
  const started = performance.now();
  let total = 0;
  for (const [index, runId] of runIds.entries()) {
    const count = index === 0 ? BIG_RUN_POINTS : OTHER_RUN_POINTS;
    for (let step = 0; step < count; step += POINTS_PER_MESSAGE) {
      writer.add(runId, metricPoints(step, Math.min(POINTS_PER_MESSAGE, count - step)));
      // Let the background writes run between messages, as they would between real ones.
      await nextTurn();
    }
    total += count;
  }
  await writer.close();
  const seconds = (performance.now() - started) / 1000;
  return { total, seconds };
}

async function medianMs(work) {
  await work(); // warm-up: statement caches, JIT, pages in memory
  const times = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function queries(dataSource, bigRunId) {
  return [
    {
      name: `listRuns (all ${RUNS} runs)`,
      run: async () => {
        const runs = await listRuns(dataSource);
        if (runs.length !== RUNS || runs.at(-1).lastStep !== BIG_RUN_POINTS - 1) throw new Error('listRuns returned wrong data');
      },
    },
    {
      name: `loadMetricCurve (${BIG_RUN_POINTS.toLocaleString('en')} points)`,
      run: async () => {
        if ((await loadMetricCurve(dataSource, bigRunId)).length !== BIG_RUN_POINTS) throw new Error('loadMetricCurve returned wrong data');
      },
    },
    {
      name: `loadMetricCurve (steps ${RANGE.fromStep}-${RANGE.toStep})`,
      run: async () => {
        if ((await loadMetricCurve(dataSource, bigRunId, RANGE)).length !== RANGE.toStep - RANGE.fromStep + 1) {
          throw new Error('loadMetricCurve (range) returned wrong data');
        }
      },
    },
  ];
}

/**
 * Runs `work` with metric_point replaced by an index-less copy of the same rows (CREATE TABLE
 * AS copies no key and no index), so that the lib's own queries run against it unchanged.
 */
async function withUnindexedMetricTable(dataSource, work) {
  await dataSource.query('CREATE TABLE metric_point_unindexed AS SELECT * FROM metric_point');
  await dataSource.query('ALTER TABLE metric_point RENAME TO metric_point_indexed');
  await dataSource.query('ALTER TABLE metric_point_unindexed RENAME TO metric_point');
  await dataSource.query('ANALYZE');
  try {
    return await work();
  } finally {
    await dataSource.query('DROP TABLE metric_point');
    await dataSource.query('ALTER TABLE metric_point_indexed RENAME TO metric_point');
  }
}

async function bench(label, options) {
  const dataSource = await openDatabase(options);
  try {
    const runIds = await createRuns(dataSource);
    const written = await writePoints(dataSource, runIds);
    await dataSource.query('ANALYZE');
    const rows = [];
    for (const query of queries(dataSource, runIds[0])) rows.push({ query: query.name, indexedMs: await medianMs(query.run) });
    await withUnindexedMetricTable(dataSource, async () => {
      for (const [i, query] of queries(dataSource, runIds[0]).entries()) rows[i].unindexedMs = await medianMs(query.run);
    });
    return { label, written, rows };
  } finally {
    if (options.schema) await dataSource.query(`DROP SCHEMA "${options.schema}" CASCADE`);
    await dataSource.destroy();
  }
}

function report({ label, written, rows }) {
  console.log(`\n${label}`);
  console.log(
    `insert through MetricPointWriter: ${written.total.toLocaleString('en')} points in ${written.seconds.toFixed(2)} s = ` +
      `${Math.round(written.total / written.seconds).toLocaleString('en')} points/s`,
  );
  console.log(`| query | indexed, median ms | no indexes, median ms | ratio (no indexes / indexed) |`);
  console.log('|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.query} | ${row.indexedMs.toFixed(1)} | ${row.unindexedMs.toFixed(1)} | ${(row.unindexedMs / row.indexedMs).toFixed(1)} |`);
  }
}

console.log(
  `${RUNS} runs: one with ${BIG_RUN_POINTS.toLocaleString('en')} points, ${RUNS - 1} with ${OTHER_RUN_POINTS.toLocaleString('en')}; ` +
    `messages of ${POINTS_PER_MESSAGE} points; median of ${reps} after 1 warm-up`,
);
const folder = mkdtempSync(join(tmpdir(), 'downscale-bench-'));
try {
  report(await bench('SQLite (better-sqlite3, WAL)', { sqlitePath: join(folder, 'bench.sqlite') }));
  if (values.postgres) report(await bench('PostgreSQL', { url: values.postgres, schema: `bench_metric_points_${process.pid}` }));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
