#!/usr/bin/env node
// Load test of the cluster-like topology (issue 10, "Load"): `downscale up --topology cluster`
// with N trainers and M evaluators on a PostgreSQL database of its own and a private
// nats-server, running a grid of tiny training jobs (hidden sizes 8 and 16, 1 layer, seeds
// 1..k, both corpus variants). Afterwards it checks, in the database, the event stream and the
// services' logs, that every job ran exactly once and every checkpoint was evaluated exactly
// once, and prints the throughput and the latency from checkpoint.saved to the start of the
// checkpoint's evaluation. Exits 1 when an exactly-once check fails.
//
// Usage: node tools/load-test.mjs [--jobs-per-variant 100] [--trainers 6] [--evaluators 3] [--json]
//          [--database-url postgres://postgres@127.0.0.1:5432/test] [--timeout-min 40] [--keep]
//   --database-url: a database of the server to connect to while creating (and dropping) the
//   test's own database; default TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test.
//   --keep: leave the home folder (logs, artifacts) in place and print where it is.
// Build first: npx tsc -b tsconfig.json (the CLI, the services and the dashboard must be built).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { eventSubjects } from '../libs/contracts/dist/index.js';
import { connectNats, startNatsServer, streamNames } from '../libs/messaging/dist/index.js';
import { Checkpoint, createDataSource, EvalResult, Experiment, MetricPoint, Run } from '../libs/persistence/dist/index.js';

const repoRoot = new URL('..', import.meta.url).pathname;
const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');

const { values: args } = parseArgs({
  options: {
    'jobs-per-variant': { type: 'string', default: '100' },
    trainers: { type: 'string', default: '6' },
    evaluators: { type: 'string', default: '3' },
    'database-url': { type: 'string', default: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test' },
    'timeout-min': { type: 'string', default: '40' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const jobsPerVariant = Number(args['jobs-per-variant']);
if (!Number.isInteger(jobsPerVariant) || jobsPerVariant < 2 || jobsPerVariant % 2 !== 0) {
  throw new Error(`--jobs-per-variant ${args['jobs-per-variant']}: an even number >= 2 (two hidden sizes x jobs/2 seeds)`);
}
const hiddenSizes = [8, 16];
const seeds = Array.from({ length: jobsPerVariant / hiddenSizes.length }, (_, i) => i + 1);

/** Each job: 4,096 tokens in 2 steps of 64 x 32 tokens, a checkpoint after each (more steps would add the log-spaced early ones). */
const spec = {
  name: `load test: ${2 * jobsPerVariant} tiny jobs`,
  preset: 'custom',
  corpus: { source: 'bundled', vocabulary: 'default' },
  grid: { hiddenSizes, layers: [1], variants: ['simplified', 'regular'], seeds },
  tokenBudget: 4_096,
  contextLength: 32,
  tasks: ['builtin'],
  tokenizerVocabSize: 256,
  training: {
    batchSize: 64,
    microBatchSize: 64,
    peakLearningRate: 1e-2,
    minLearningRateRatio: 0.5,
    warmupFraction: 0.1,
    weightDecay: 0.1,
    gradientClip: 1,
    evaluations: 2,
    checkpoints: 2,
  },
};
const stepsPerJob = Math.ceil(spec.tokenBudget / (spec.training.batchSize * spec.contextLength));
// Evaluation is cheap on purpose: what is measured is the queueing, not the scoring.
const evalEnv = { EVAL_MAX_ITEMS: '12', EVAL_HELD_OUT_BYTES: '4096' };

const note = (line) => process.stderr.write(`${line}\n`);

function portOpen(port) {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
    server.on('error', () => resolve(true));
  });
}

/** A base above 5000 (and outside 4300-4799) with base+1..base+24 free: the services, their replicas and the dashboard. */
async function freePortBase() {
  for (;;) {
    const base = 5_100 + Math.floor(Math.random() * 20_000);
    const busy = await Promise.all(Array.from({ length: 24 }, (_, i) => portOpen(base + i + 1)));
    if (!busy.some(Boolean)) return base;
  }
}

/** Every envelope on the EVENTS stream under `subject`, in order (an ordered consumer from the start). */
async function readEvents(natsUrl, subject) {
  const nc = await connectNats({ servers: natsUrl, name: 'load-test-reader' });
  try {
    const consumer = await jetstream(nc).consumers.get(streamNames.events, { filter_subjects: subject });
    const envelopes = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 1_000, expires: 2_000 });
      let got = 0;
      for await (const m of batch) {
        envelopes.push(JSON.parse(m.string()));
        got++;
      }
      if (got === 0) return envelopes;
    }
  } finally {
    await nc.close();
  }
}

/** The JSON lines of every `<prefix>*.log` in the home's logs folder, with the file they came from. */
function logLines(home, prefix) {
  const dir = join(home, 'logs');
  const lines = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.log'))) {
    for (const text of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!text.startsWith('{')) continue;
      try {
        lines.push({ worker: file.replace(/\.log$/, ''), ...JSON.parse(text) });
      } catch {
        // a line cut off by a kill, or not ours
      }
    }
  }
  return lines;
}

const countBy = (items, keyOf) => {
  const counts = new Map();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
};

/** Nearest-rank percentile of sorted numbers. */
const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

async function main() {
  const trainers = Number(args.trainers);
  const evaluators = Number(args.evaluators);
  const home = mkdtempSync(join(tmpdir(), 'downscale-load-'));
  const specFile = join(home, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const dbName = `load_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createDataSource({ url: args['database-url'] }).initialize();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(args['database-url']);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  const nats = await startNatsServer();
  let db;
  try {
    const portBase = await freePortBase();
    const upArgs = [cli, 'up', '--topology', 'cluster', '--trainers', String(trainers), '--evaluators', String(evaluators)];
    upArgs.push('--database-url', databaseUrl, '--spec', specFile, '--exit-when-done', '--home', home);
    upArgs.push('--ports', String(portBase), '--dashboard-port', String(portBase + 24), '--nats-url', nats.url);
    note(`load test: ${2 * jobsPerVariant} jobs, ${trainers} trainers, ${evaluators} evaluators; home ${home}, database ${dbName}, NATS ${nats.url}`);
    const upLog = join(home, 'up.out');
    const out = createWriteStream(upLog);
    const started = Date.now();
    const child = spawn(process.execPath, upArgs, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...evalEnv } });
    child.stdout.on('data', (d) => {
      out.write(d);
      for (const line of String(d).split('\n')) if (/^(runs \d|corpora:|✗)/.test(line)) note(`  ${line.slice(0, 160)}`);
    });
    child.stderr.on('data', (d) => out.write(d));
    const timeoutMs = Number(args['timeout-min']) * 60_000;
    const timer = setTimeout(() => {
      note(`downscale up did not finish within ${args['timeout-min']} min: stopping it (SIGINT)`);
      child.kill('SIGINT');
    }, timeoutMs);
    const exitCode = await new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    clearTimeout(timer);
    out.end();
    const wallS = (Date.now() - started) / 1_000;
    note(`downscale up exited (${exitCode}) after ${wallS.toFixed(0)} s; checking`);

    db = await createDataSource({ url: databaseUrl }).initialize();
    const report = await check(db, nats.url, home, { exitCode, wallS, trainers, evaluators });
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printReport(report);
    if (args.keep) note(`home kept: ${home} (logs in ${join(home, 'logs')}, downscale up's output in ${upLog})`);
    process.exitCode = report.failures.length === 0 ? 0 : 1;
  } finally {
    await db?.destroy();
    await nats.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.destroy();
    if (!args.keep) rmSync(home, { recursive: true, force: true });
  }
}

async function check(db, natsUrl, home, { exitCode, wallS, trainers, evaluators }) {
  const failures = [];
  const fail = (what, details) => failures.push(details?.length ? `${what}: ${details.slice(0, 10).join('; ')}${details.length > 10 ? ` (and ${details.length - 10} more)` : ''}` : what);
  if (exitCode !== 0) fail(`downscale up exited with ${exitCode}, not 0`);

  const experiments = await db.getRepository(Experiment).find();
  if (experiments.length !== 1) fail(`${experiments.length} experiments in the database, not 1`);
  const runs = await db.getRepository(Run).find();
  const runIds = new Set(runs.map((r) => r.id));
  const planned = 2 * jobsPerVariant;
  if (runs.length !== planned) fail(`${runs.length} runs, not the ${planned} planned`);
  const notCompleted = runs.filter((r) => r.state !== 'completed');
  if (notCompleted.length) fail('runs not completed', notCompleted.map((r) => `${r.id} ${r.state} ${r.failureReason ?? ''}`));

  // Jobs: one start per run in the trainers' logs, by one worker, and one 'running' state change on the stream.
  const trainerLines = logLines(home, 'trainer');
  const jobStarts = trainerLines.filter((l) => l.msg === 'training job started');
  const startsPerRun = countBy(jobStarts, (l) => l.runId);
  const badStarts = runs.filter((r) => startsPerRun.get(r.id) !== 1).map((r) => `${r.id} started ${startsPerRun.get(r.id) ?? 0} times`);
  if (badStarts.length) fail('runs not started exactly once (trainer logs)', badStarts);
  const completedLogs = countBy(trainerLines.filter((l) => l.msg === 'run completed'), (l) => l.runId);
  const badCompletions = runs.filter((r) => completedLogs.get(r.id) !== 1).map((r) => `${r.id} completed ${completedLogs.get(r.id) ?? 0} times`);
  if (badCompletions.length) fail('runs not completed exactly once (trainer logs)', badCompletions);
  const stateEvents = await readEvents(natsUrl, eventSubjects.runStateChanged);
  const runningEvents = countBy(stateEvents.filter((e) => e.payload.state === 'running'), (e) => e.payload.runId);
  const badRunning = runs.filter((r) => runningEvents.get(r.id) !== 1).map((r) => `${r.id}: ${runningEvents.get(r.id) ?? 0} run.state_changed running`);
  if (badRunning.length) fail('runs not set running exactly once (event stream)', badRunning);
  const jobsPerWorker = Object.fromEntries([...countBy(jobStarts, (l) => l.worker)].sort());
  const trainerErrors = trainerLines.filter((l) => l.level >= 50);
  if (trainerErrors.length) fail('errors in the trainer logs', trainerErrors.map((l) => `${l.worker}: ${l.msg}`));

  // Metric points: every step 0..N of every run, once (the primary key makes a second copy impossible, so a gap is what a double run leaves).
  const pointRows = await db.getRepository(MetricPoint).createQueryBuilder('p').select('p.runId', 'runId').addSelect('COUNT(*)', 'n').addSelect('MIN(p.step)', 'lo').addSelect('MAX(p.step)', 'hi').groupBy('p.runId').getRawMany();
  const points = new Map(pointRows.map((r) => [r.runId, { n: Number(r.n), lo: Number(r.lo), hi: Number(r.hi) }]));
  const badPoints = runs.filter((r) => {
    const p = points.get(r.id);
    return !p || p.lo !== 0 || p.hi !== stepsPerJob || p.n !== stepsPerJob + 1;
  });
  if (badPoints.length) fail(`runs without metric points 0..${stepsPerJob} once each`, badPoints.map((r) => `${r.id}: ${JSON.stringify(points.get(r.id) ?? null)}`));
  const metricEvents = await readEvents(natsUrl, eventSubjects.metricsReported);
  const pointEvents = countBy(metricEvents.flatMap((e) => e.payload.points.map((p) => `${e.payload.runId} ${p.step}`)), (k) => k);
  const repeatedPoints = [...pointEvents].filter(([, n]) => n !== 1).map(([k, n]) => `${k} x${n}`);
  if (repeatedPoints.length) fail('metric points reported more than once (event stream)', repeatedPoints);
  if (pointEvents.size !== runs.length * (stepsPerJob + 1)) fail(`${pointEvents.size} metric points on the stream, not ${runs.length * (stepsPerJob + 1)}`);

  // Checkpoints: one per (run, step), one checkpoint.saved each, marked evaluated, with one result per task version.
  const checkpoints = (await db.getRepository(Checkpoint).find()).filter((c) => runIds.has(c.runId));
  const perRunStep = countBy(checkpoints, (c) => `${c.runId} ${c.step}`);
  const dupCheckpoints = [...perRunStep].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
  if (dupCheckpoints.length) fail('a run step with several checkpoints', dupCheckpoints);
  const checkpointsPerRun = countBy(checkpoints, (c) => c.runId);
  const expectedCheckpoints = spec.training.checkpoints;
  const badCheckpointCounts = runs.filter((r) => checkpointsPerRun.get(r.id) !== expectedCheckpoints).map((r) => `${r.id}: ${checkpointsPerRun.get(r.id) ?? 0}`);
  if (badCheckpointCounts.length) fail(`runs without ${expectedCheckpoints} checkpoints`, badCheckpointCounts);
  const savedEvents = await readEvents(natsUrl, eventSubjects.checkpointSaved);
  const savedPerCheckpoint = countBy(savedEvents, (e) => e.payload.checkpointId);
  const badSaved = checkpoints.filter((c) => savedPerCheckpoint.get(c.id) !== 1).map((c) => `${c.id}: ${savedPerCheckpoint.get(c.id) ?? 0} checkpoint.saved`);
  if (badSaved.length) fail('checkpoints without exactly one checkpoint.saved', badSaved);
  const notEvaluated = checkpoints.filter((c) => c.evaluatedAt === null).map((c) => c.id);
  if (notEvaluated.length) fail('checkpoints not marked evaluated', notEvaluated);

  const checkpointIds = new Set(checkpoints.map((c) => c.id));
  const results = (await db.getRepository(EvalResult).find()).filter((r) => checkpointIds.has(r.checkpointId));
  const resultKey = (r) => `${r.checkpointId} ${r.task} ${r.taskVersion}`;
  const taskVersions = [...new Set(results.map((r) => `${r.task} ${r.taskVersion}`))].sort();
  const resultsPer = countBy(results, resultKey);
  const badResults = [];
  for (const c of checkpoints) for (const tv of taskVersions) if (resultsPer.get(`${c.id} ${tv}`) !== 1) badResults.push(`${c.id} ${tv} x${resultsPer.get(`${c.id} ${tv}`) ?? 0}`);
  if (badResults.length) fail('checkpoints without exactly one result per task version', badResults);
  if (!taskVersions.includes('heldout/books original') || taskVersions.length < 2) fail(`task versions scored: ${taskVersions.join(', ')}`);
  const completedEvents = await readEvents(natsUrl, eventSubjects.evalCompleted);
  const completedPer = countBy(completedEvents, (e) => resultKey(e.payload));
  const badCompleted = results.filter((r) => completedPer.get(resultKey(r)) !== 1).map((r) => `${resultKey(r)} x${completedPer.get(resultKey(r)) ?? 0}`);
  if (badCompleted.length) fail('results without exactly one eval.completed', badCompleted);
  if (completedEvents.length !== results.length) fail(`${completedEvents.length} eval.completed events for ${results.length} results`);

  // Scoring: each (checkpoint, task version) scored once over all evaluators (their logs), and when each evaluation started.
  const evaluatorLines = logLines(home, 'evaluator');
  const scored = countBy(
    evaluatorLines.filter((l) => l.msg === 'task evaluated' || l.msg === 'held-out loss'),
    (l) => (l.msg === 'held-out loss' ? `${l.checkpointId} heldout/books original` : `${l.checkpointId} ${l.task} ${l.version}`),
  );
  const badScored = results.filter((r) => scored.get(resultKey(r)) !== 1).map((r) => `${resultKey(r)} scored ${scored.get(resultKey(r)) ?? 0} times`);
  if (badScored.length) fail('task versions not scored exactly once (evaluator logs)', badScored);
  const evalStarts = evaluatorLines.filter((l) => l.msg === 'evaluation started');
  const startsPerCheckpoint = countBy(evalStarts, (l) => l.checkpointId);
  const deliveries = checkpoints.map((c) => startsPerCheckpoint.get(c.id) ?? 0);
  const missingStarts = checkpoints.filter((c) => !startsPerCheckpoint.has(c.id)).map((c) => c.id);
  if (missingStarts.length) fail('checkpoints with no evaluation started in the evaluator logs', missingStarts);
  const evaluationsPerWorker = Object.fromEntries([...countBy(evalStarts, (l) => l.worker)].sort());
  const evaluatorErrors = evaluatorLines.filter((l) => l.level >= 50);
  if (evaluatorErrors.length) fail('errors in the evaluator logs', evaluatorErrors.map((l) => `${l.worker}: ${l.msg}`));

  // Latency: checkpoint.saved (its envelope's occurredAt) to the first 'evaluation started' of the checkpoint.
  const savedAt = new Map(savedEvents.map((e) => [e.payload.checkpointId, Date.parse(e.occurredAt)]));
  const firstStart = new Map();
  for (const l of evalStarts) {
    const t = Date.parse(l.time);
    if (!(firstStart.get(l.checkpointId) <= t)) firstStart.set(l.checkpointId, t);
  }
  const latencies = checkpoints.filter((c) => savedAt.has(c.id) && firstStart.has(c.id)).map((c) => firstStart.get(c.id) - savedAt.get(c.id)).sort((a, b) => a - b);
  const toEvaluated = checkpoints.filter((c) => savedAt.has(c.id) && c.evaluatedAt).map((c) => c.evaluatedAt.getTime() - savedAt.get(c.id)).sort((a, b) => a - b);
  const stats = (sorted) => (sorted.length ? { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1), mean: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length) } : null);

  // Throughput: jobs over the training window (first job start to last run finished), checkpoints over the
  // evaluation window (first checkpoint.saved to the last checkpoint marked evaluated).
  const firstJobStart = Math.min(...jobStarts.map((l) => Date.parse(l.time)));
  const lastFinish = Math.max(...runs.map((r) => r.finishedAt?.getTime() ?? 0));
  const firstSaved = Math.min(...savedAt.values());
  const lastEvaluated = Math.max(...checkpoints.map((c) => c.evaluatedAt?.getTime() ?? 0));
  const experimentCreated = experiments[0]?.createdAt.getTime() ?? NaN;
  const minutes = (ms) => ms / 60_000;
  const completed = runs.length - notCompleted.length;
  const evaluated = checkpoints.length - notEvaluated.length;

  return {
    machine: `${cpus().length} x ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    date: new Date().toISOString(),
    trainers,
    evaluators,
    jobs: { planned, runs: runs.length, completed, stepsPerJob, checkpointsPerJob: expectedCheckpoints, perWorker: jobsPerWorker },
    checkpoints: { count: checkpoints.length, evaluated, results: results.length, taskVersions: taskVersions.length, evalCompletedEvents: completedEvents.length, evaluationStarts: evalStarts.length, redelivered: deliveries.filter((n) => n > 1).length, perWorker: evaluationsPerWorker },
    wallSeconds: Math.round(wallS),
    windows: {
      corpusAndPlanningSeconds: Math.round((firstJobStart - experimentCreated) / 1_000),
      trainingSeconds: Math.round((lastFinish - firstJobStart) / 1_000),
      evaluationSeconds: Math.round((lastEvaluated - firstSaved) / 1_000),
      experimentSeconds: Math.round((lastEvaluated - experimentCreated) / 1_000),
    },
    throughput: {
      jobsPerMinute: +(completed / minutes(lastFinish - firstJobStart)).toFixed(2),
      checkpointsEvaluatedPerMinute: +(evaluated / minutes(lastEvaluated - firstSaved)).toFixed(2),
    },
    latencyMs: { savedToEvaluationStart: stats(latencies), savedToEvaluated: stats(toEvaluated) },
    failures,
  };
}

function printReport(r) {
  const ms = (s) => (s ? `p50 ${(s.p50 / 1_000).toFixed(2)} s, p99 ${(s.p99 / 1_000).toFixed(2)} s, max ${(s.max / 1_000).toFixed(2)} s, mean ${(s.mean / 1_000).toFixed(2)} s (n ${s.n})` : 'no data');
  const lines = [
    `machine: ${r.machine}; ${r.date}`,
    `topology: cluster, ${r.trainers} trainers, ${r.evaluators} evaluators, PostgreSQL, private nats-server`,
    `jobs: ${r.jobs.completed}/${r.jobs.planned} completed (${r.jobs.stepsPerJob} steps, ${r.jobs.checkpointsPerJob} checkpoints each); per trainer ${JSON.stringify(r.jobs.perWorker)}`,
    `checkpoints: ${r.checkpoints.evaluated}/${r.checkpoints.count} evaluated, ${r.checkpoints.results} results (${r.checkpoints.taskVersions} task versions each), ${r.checkpoints.evalCompletedEvents} eval.completed, ${r.checkpoints.evaluationStarts} evaluation starts (${r.checkpoints.redelivered} checkpoints started more than once); per evaluator ${JSON.stringify(r.checkpoints.perWorker)}`,
    `wall: ${r.wallSeconds} s for downscale up; corpora and planning ${r.windows.corpusAndPlanningSeconds} s, training window ${r.windows.trainingSeconds} s, evaluation window ${r.windows.evaluationSeconds} s, experiment ${r.windows.experimentSeconds} s`,
    `throughput: ${r.throughput.jobsPerMinute} jobs/min (training window), ${r.throughput.checkpointsEvaluatedPerMinute} checkpoints evaluated/min (evaluation window)`,
    `latency checkpoint.saved -> evaluation start: ${ms(r.latencyMs.savedToEvaluationStart)}`,
    `latency checkpoint.saved -> evaluated mark:   ${ms(r.latencyMs.savedToEvaluated)}`,
    r.failures.length === 0 ? 'exactly once: every job ran once, every checkpoint was evaluated once: PASS' : `exactly once: FAIL\n  ${r.failures.join('\n  ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
