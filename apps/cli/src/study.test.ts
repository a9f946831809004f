// The main job end to end: `downscale up` runs a tiny experiment through the whole chain
// (corpus -> tokenizer -> trainer -> evaluator -> scaling -> dashboard) on a real NATS with
// JetStream and a real database, PostgreSQL and SQLite, and the outcome is checked in the
// database, in the event stream, in the printed summary and in the browser.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventSubjects, type ExperimentSpec } from '@downscale/contracts';
import { startNatsServer, type NatsServerProcess } from '@downscale/messaging';
import { Checkpoint, createDataSource, EvalResult, Experiment, listRuns, openDatabase, ScalingFit } from '@downscale/persistence';
import { collectEvents } from '@downscale/service-kit';
import { chromium } from 'playwright-core';
import { In, type DataSource } from 'typeorm';
import { repoRoot } from './stack/paths.js';
import { freePort, freePortBase } from './test-ports.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const postgresTestUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Four sizes on both corpora, a few dozen steps each: the study's shape in about a minute of training. */
const tinySpec: ExperimentSpec = {
  name: 'e2e: tiny study',
  preset: 'custom',
  corpus: { source: 'bundled', vocabulary: 'default' },
  grid: { hiddenSizes: [8, 16, 24, 32], layers: [1], variants: ['simplified', 'regular'], seeds: [1] },
  tokenBudget: 12_288,
  contextLength: 32,
  tasks: ['builtin'],
  tokenizerVocabSize: 256,
  training: {
    batchSize: 8,
    microBatchSize: 8,
    peakLearningRate: 1e-2,
    minLearningRateRatio: 0.5,
    warmupFraction: 0.1,
    weightDecay: 0.1,
    gradientClip: 1,
    evaluations: 2,
    checkpoints: 2,
  },
};

interface Up {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the output matches `pattern`; fails with the output when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
}

function startUp(args: string[]): Up {
  const child = spawn(process.execPath, [cli, 'up', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Few items per task and a short held-out text: evaluation is not what this test measures.
    env: { ...process.env, EVAL_MAX_ITEMS: '12', EVAL_HELD_OUT_BYTES: '4096' },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: async (pattern, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) assert.fail(`downscale up exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) assert.fail(`downscale up did not print ${pattern} within ${timeoutMs / 1000} s:\n${output}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
  };
}

/** What the database holds about the one experiment of this test. */
async function studyRecords(db: DataSource) {
  const [experiment, ...others] = await db.getRepository(Experiment).find();
  assert.ok(experiment, 'the experiment is stored');
  assert.equal(others.length, 0, 'a single experiment');
  const runs = await listRuns(db, { experimentId: experiment.id });
  const checkpoints = await db.getRepository(Checkpoint).find({ where: { runId: In(runs.map((r) => r.id)) } });
  const results = await db.getRepository(EvalResult).find({ where: { checkpointId: In(checkpoints.map((c) => c.id)) } });
  const fits = await db.getRepository(ScalingFit).find({ where: { experimentId: experiment.id } });
  return { experiment, runs, checkpoints, results, fits };
}

const resultKey = (r: { checkpointId: string; task: string; taskVersion: string }) => `${r.checkpointId} ${r.task} ${r.taskVersion}`;

function studyEndToEnd(backend: 'sqlite' | 'postgres') {
  describe(`npm start's job end to end on ${backend}${backend === 'postgres' ? ' (cluster topology)' : ''}`, { timeout: 900_000 }, () => {
    const home = mkdtempSync(join(tmpdir(), `downscale-study-${backend}-`));
    const specFile = join(home, 'spec.json');
    let nats: NatsServerProcess;
    let databaseUrl: string | undefined;
    let admin: DataSource | undefined;
    const pgDatabase = `study_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    let args: string[];

    before(async () => {
      writeFileSync(specFile, JSON.stringify(tinySpec));
      nats = await startNatsServer();
      if (backend === 'postgres') {
        admin = await createDataSource({ url: postgresTestUrl }).initialize();
        // A database of its own, dropped whole afterwards.
        await admin.query(`CREATE DATABASE ${pgDatabase}`);
        const url = new URL(postgresTestUrl);
        url.pathname = `/${pgDatabase}`;
        databaseUrl = url.toString();
      }
      args = ['--spec', specFile, '--home', home, '--nats-url', nats.url, '--ports', String(await freePortBase()), '--dashboard-port', String(await freePort())];
      // On PostgreSQL, the cluster-like topology: two trainers and two evaluators share the work.
      if (databaseUrl) args.push('--database-url', databaseUrl, '--topology', 'cluster', '--trainers', '2');
    });

    after(async () => {
      await nats?.stop();
      if (admin?.isInitialized) {
        await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
        await admin.destroy();
      }
      rmSync(home, { recursive: true, force: true });
    });

    it('runs the tiny study to the summary, every checkpoint evaluated once, a fit per corpus variant, shown by the dashboard', async () => {
      const up = startUp(args);
      try {
        await up.waitFor(/The dashboard keeps serving at (\S+)/, 720_000);
        if (backend === 'postgres') for (const name of ['trainer-2', 'evaluator-2']) assert.match(up.output(), new RegExp(`✓ ${name} `));
        const db = await openDatabase({ url: databaseUrl, sqlitePath: join(home, 'downscale.sqlite'), migrate: 'verify' });
        try {
          const { experiment, runs, checkpoints, results, fits } = await studyRecords(db);
          assert.equal(runs.length, 8, '4 sizes x 2 corpus variants');
          assert.deepEqual(runs.filter((r) => r.state !== 'completed').map((r) => `${r.id}: ${r.state} ${r.failureReason ?? ''}`), [], 'every run completed');

          // Every checkpoint is marked evaluated and has one result per task version, the same set for all.
          assert.ok(checkpoints.length >= 8);
          assert.deepEqual(checkpoints.filter((c) => c.evaluatedAt === null).map((c) => c.id), [], 'every checkpoint evaluated');
          const perCheckpoint = new Map<string, string[]>();
          for (const r of results) perCheckpoint.set(r.checkpointId, [...(perCheckpoint.get(r.checkpointId) ?? []), `${r.task} ${r.taskVersion}`]);
          const taskSet = [...(perCheckpoint.get(checkpoints[0]!.id) ?? [])].sort();
          for (const name of ['heldout/books original', 'builtin/last-word original', 'builtin/book-cloze original', 'builtin/next-sentence original']) assert.ok(taskSet.includes(name), `${name} in ${taskSet}`);
          for (const c of checkpoints) assert.deepEqual([...(perCheckpoint.get(c.id) ?? [])].sort(), taskSet, `checkpoint ${c.id} has every task version once`);

          // The event stream carries each result exactly once.
          const completed = await collectEvents(nats.url, eventSubjects.evalCompleted);
          try {
            await waitForCount(() => completed.events.length, results.length);
            const keys = completed.events.map(resultKey);
            assert.equal(new Set(keys).size, keys.length, 'no eval.completed twice');
            assert.deepEqual(keys.sort(), results.map(resultKey).sort(), 'one eval.completed per stored result');
          } finally {
            await completed.close();
          }

          for (const variant of ['simplified', 'regular']) assert.ok(fits.some((f) => f.variant === variant), `a fit for ${variant}: ${fits.map((f) => `${f.variant}/${f.form}`)}`);

          // The summary printed is the database's: each run's row, each latest fit's exponent.
          const summary = up.output().slice(up.output().lastIndexOf('\nruns\n'));
          for (const run of runs) {
            assert.ok(run.bestEvalLoss !== null, `run ${run.id} has an eval loss`);
            const row = new RegExp(`^  ${run.variant} .* ${run.bestEvalLoss!.toFixed(3)} .*completed$`, 'm');
            assert.match(summary, row, `the summary shows run ${run.id}`);
          }
          const latest = new Map<string, ScalingFit>();
          for (const fit of fits) if ((latest.get(`${fit.variant}/${fit.form}`)?.version ?? 0) < fit.version) latest.set(`${fit.variant}/${fit.form}`, fit);
          for (const fit of latest.values()) {
            if (fit.parameters['alpha'] !== undefined) assert.ok(summary.includes(`alpha ${fit.parameters['alpha'].toFixed(3)}`), `the summary shows ${fit.variant}/${fit.form} alpha ${fit.parameters['alpha']}`);
          }
          assert.match(summary, /1\. simplified-data models beat regular-data models .* (reproduced|NOT reproduced)\./);
          assert.match(summary, /2\. loss vs model size N follows a power law: (reproduced|NOT reproduced|not measured)/);

          await dashboardShows(up.output().match(/The dashboard keeps serving at (\S+)/)![1]!, experiment.id, runs.length);
        } finally {
          await db.destroy();
        }
      } finally {
        up.child.kill('SIGINT');
        assert.equal(await up.exited, 0, up.output());
      }
    });

    if (backend === 'sqlite') {
      it('reuses the finished work when run again', async () => {
        const again = startUp([...args, '--exit-when-done']);
        await again.waitFor(/resuming experiment "e2e: tiny study"/, 180_000);
        assert.equal(await again.exited, 0, again.output());
        const db = await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'verify' });
        try {
          const { runs, checkpoints } = await studyRecords(db);
          assert.equal(runs.length, 8, 'no new run');
          assert.equal(new Set(checkpoints.map((c) => `${c.runId} ${c.step}`)).size, checkpoints.length);
          assert.ok(runs.every((r) => r.state === 'completed'));
        } finally {
          await db.destroy();
        }
      });
    }
  });
}

/** Waits until `count()` reaches `expected` (events arrive asynchronously), then gives a moment for extras. */
async function waitForCount(count: () => number, expected: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1_000));
}

/** The browser sees every run in the runs table and a fit on the scaling page. */
async function dashboardShows(base: string, experimentId: string, runCount: number): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/runs?experiment=${encodeURIComponent(experimentId)}`);
    assert.equal(await page.locator('[data-run-id]').count(), runCount, 'the runs table lists every run');
    await page.goto(`${base}/scaling?experiment=${encodeURIComponent(experimentId)}`);
    const fitRows = await page.locator('[data-fit-id]').count();
    assert.ok(fitRows >= 2, `the scaling view lists the fits (it shows ${fitRows}):\n${(await page.locator('main').innerText()).slice(0, 2_000)}`);
  } finally {
    await browser.close();
  }
}

studyEndToEnd('postgres');
studyEndToEnd('sqlite');
