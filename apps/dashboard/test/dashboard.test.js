// End-to-end test of the built dashboard (`next build` first): a temporary SQLite database
// seeded with an experiment, runs of four sizes on both corpus variants, their metric points,
// checkpoints, evaluation results and scaling fits; a private NATS server with JetStream;
// fake service health endpoints; then `next start`, plain HTTP requests, and Debian's Chromium
// (screenshots of each view go to apps/dashboard/test-results/).
/* global AbortSignal, URLSearchParams, window, document */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { controlSubjects, eventSubjects } from '@downscale/contracts';
import { presetSpec } from '@downscale/experiments';
import { connectNats, ensureStreams, EventPublisher, startNatsServer } from '@downscale/messaging';
import { Baseline, Checkpoint, Corpus, createDataSource, EvalResult, Experiment, MetricPoint, openDatabase, Run, ScalingFit, Vocabulary } from '@downscale/persistence';
import { fitPlanned, planLossFits } from '@downscale/scaling-laws';
import { chromium } from 'playwright-core';
import { formValues } from '../dist/lib/experiment-form.js';
import { hashPassword } from '../dist/lib/passwords.js';

const appDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(appDir, '../..');
const nextBin = join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
const startTimeoutMs = 60_000;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const experimentId = 'exp-dashboard-test';
/** An experiment named to break SQL, HTML and CSV (README: bad input): stored and shown verbatim, never executed. */
const hostile = { id: 'exp-hostile-name', name: `x'); DROP TABLE run; -- <script>alert(1)</script> "q" & <img src=x onerror=alert(2)>` };
const runIds = ['run-dashboard-test-a', 'run-dashboard-test-b'];
const resultsDir = join(appDir, 'test-results');

// The grid: four sizes on both corpus variants, completed; plus run b, queued, created last.
const sizes = [
  { hidden: 32, layers: 2, params: 150_000, nonEmbedding: 25_000 },
  { hidden: 64, layers: 2, params: 400_000, nonEmbedding: 100_000 },
  { hidden: 64, layers: 4, params: 500_000, nonEmbedding: 200_000 },
  { hidden: 128, layers: 4, params: 1_600_000, nonEmbedding: 800_000 },
];
const gridRuns = sizes.flatMap((size, i) =>
  ['simplified', 'regular'].map((variant) => ({ id: i === 0 && variant === 'simplified' ? runIds[0] : `run-grid-${size.hidden}-${size.layers}-${variant}`, variant, ...size })),
);
/** Run a logs this many steps; one train loss among them is a spike that downsampling must keep. */
const steps = 3_000;
const spikeStep = 1_777;
const spikeLoss = 9.5;
const tokensPerStep = 1_024;
/** The loss law the seeded runs follow: L = (xc / N)^alpha, regular text harder than simplified. */
const law = { simplified: { xc: 1e12, alpha: 0.07 }, regular: { xc: 1e13, alpha: 0.075 } };
const finalLoss = (run) => (law[run.variant].xc / run.nonEmbedding) ** law[run.variant].alpha;
const lossAt = (run, step) => finalLoss(run) + 3 * (1 - step / steps) ** 2;
/** Steps with an eval loss. */
const evalEvery = 300;
/**
 * Every law but loss vs N's pure power law (seeded by hand above, in two versions), fitted by
 * the scaling service's own code on the seeded eval curves; fewer bootstrap resamples than the
 * service's 400, to keep the test short. Filled by seed(): `${axis}|${variant}|${form}` -> report.
 */
const fittedLaws = new Map();
function fitSeededLaws(variant) {
  const curves = gridRuns
    .filter((r) => r.variant === variant)
    .map((run) => {
      const points = [];
      for (let step = evalEvery; step <= steps; step += evalEvery) points.push({ tokens: step * tokensPerStep, compute: 6 * run.nonEmbedding * step * tokensPerStep, loss: lossAt(run, step) });
      return { run: run.id, params: run.nonEmbedding, paramsTotal: run.params, points };
    });
  const { planned, skipped } = planLossFits(curves);
  assert.deepEqual(skipped, [], 'the seeded runs support every law');
  return planned
    .filter((plan) => !(plan.axis === 'params' && plan.form === 'pure-power'))
    .map((plan) => fitPlanned(plan, { resamples: plan.kind === 'joint' ? 4 : 20, seed: 0, level: 0.95, heldOutRuns: 1 }));
}
/** Span samples as the corpus service stores them: OOV ranges in UTF-16 offsets of the text, the OOV word that ended the span. */
const sampleText = 'The cat saw a quasar in the sky.\nThen the <b>dog</b> ran 😀 home';
const rangeOf = (word) => [sampleText.indexOf(word), sampleText.indexOf(word) + word.length];
/** The corpora the grid trains on, with stats as the corpus service stores them. */
const corpora = {
  simplified: {
    id: 'corpus-simplified-test',
    stats: {
      documentsIn: 200,
      documentsOut: 150,
      documentRetention: 0.75,
      wordsIn: 100_000,
      wordsOut: 41_000,
      wordRetention: 0.41,
      spans: 900,
      oovWordsOut: 123,
      oovRate: 0.003,
      spanLengths: { meanWords: 45.6, maxWords: 140, bins: [{ minWords: 32, maxWords: 63, spans: 700 }, { minWords: 64, maxWords: 127, spans: 190 }, { minWords: 128, maxWords: 255, spans: 10 }] },
      types: 3_100,
      typeTokenRatio: 0.0756,
      zipfCoefficient: -1.04,
      wordCountsExact: true,
      topOovWords: [{ word: 'quasar', count: 40 }, { word: 'xylophone', count: 17 }, { word: 'zeppelin', count: 9 }],
      oovCountsExact: true,
      // Counts of the 200 most frequent words falling as rank^-0.9, a little slower than Zipf's law.
      topWords: Array.from({ length: 200 }, (_, i) => ({ word: `w${i}`, count: Math.round(8_000 / (i + 1) ** 0.9) })),
      spanSamples: [
        { doc: 'book-1.txt', text: sampleText, truncated: false, words: 14, oovRanges: [rangeOf('quasar'), rangeOf('😀')], endingOovWord: 'Xylophone' },
        { doc: 'book-2.txt', text: 'A dog sat on the mat.', truncated: true, words: 6, oovRanges: [], endingOovWord: null },
      ],
      filter: { minWords: 32, maxOovFraction: 0.01, fromSentenceStart: true },
      tokens: 52_000,
      tokenizer: { vocabSize: 2_048 },
    },
  },
  regular: { id: 'corpus-regular-test', stats: { documents: 90, words: 41_000, budget: { unit: 'words', limit: 41_000 }, used: 41_000, budgetReached: true, tokens: 50_000 } },
};

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** A stand-in for a service's `GET /health`. */
async function fakeService(service, status) {
  const server = createServer((req, res) => {
    if (req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    const ok = status === 'ok';
    const body = {
      service,
      status,
      checks: { nats: { ok: true, detail: 'connected to fake' }, database: { ok, detail: ok ? 'sqlite reachable' : 'database is not initialised' } },
    };
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

/** Seeds a database given as openDatabase's options: `{ sqlitePath }` or `{ url }`. */
async function seed(database) {
  const ds = await openDatabase({ ...database, migrate: 'run' });
  try {
    const experiments = ds.getRepository(Experiment);
    await experiments.save(
      experiments.create({
        id: experimentId,
        name: 'dashboard test experiment',
        preset: 'demo',
        spec: {
          name: 'dashboard test experiment',
          preset: 'demo',
          corpus: { source: 'bundled', vocabulary: 'default' },
          grid: { hiddenSizes: [32, 64, 128], layers: [2, 4], variants: ['simplified', 'regular'], seeds: [0] },
          tokenBudget: steps * tokensPerStep,
          contextLength: 128,
          tasks: ['blimp', 'hellaswag'],
        },
        state: 'running',
      }),
    );
    // Created long before the other: the views' default (newest) experiment stays the seeded one.
    await experiments.save(
      experiments.create({ id: hostile.id, name: hostile.name, preset: 'custom', spec: { name: hostile.name }, state: 'created', createdAt: new Date('2001-01-01T00:00:00Z') }),
    );
    const vocabularies = ds.getRepository(Vocabulary);
    const vocabulary = await vocabularies.save(vocabularies.create({ name: 'default', source: 'default', wordCount: 20_000, contentHash: 'c'.repeat(64) }));
    const corpusRows = ds.getRepository(Corpus);
    for (const [variant, corpus] of Object.entries(corpora)) {
      await corpusRows.save(corpusRows.create({ id: corpus.id, source: 'bundled', variant, contentHash: corpus.id.padEnd(64, '0'), vocabularyId: variant === 'simplified' ? vocabulary.id : null, uri: `artifact://corpora/${corpus.id}`, stats: corpus.stats }));
    }
    const runs = ds.getRepository(Run);
    const now = Date.now();
    await runs.save([
      ...gridRuns.map((r, i) =>
        runs.create({
          id: r.id,
          experimentId,
          config: { model: { hiddenSize: r.hidden, layers: r.layers, heads: 4, vocabSize: 4_000, contextLength: 128 }, training: { tokenBudget: steps * tokensPerStep } },
          hiddenSize: r.hidden,
          layers: r.layers,
          paramsTotal: r.params,
          paramsNonEmbedding: r.nonEmbedding,
          variant: r.variant,
          corpusId: corpora[r.variant].id,
          seed: 0,
          state: 'completed',
          backend: 'tensorflow',
          createdAt: new Date(now - 600_000 + i * 1_000),
        }),
      ),
      runs.create({ id: runIds[1], experimentId, config: { model: { hiddenSize: 64, layers: 4 } }, hiddenSize: 64, layers: 4, paramsTotal: 234_567, paramsNonEmbedding: null, variant: 'simplified', seed: 1, state: 'queued', createdAt: new Date(now) }),
    ]);
    // Run a: a long curve (every step) with one spike; the others: 100 points each.
    const points = ds.getRepository(MetricPoint);
    for (const run of gridRuns) {
      const every = run.id === runIds[0] ? 1 : steps / 100;
      const rows = [];
      for (let step = every; step <= steps; step += every) {
        const loss = lossAt(run, step);
        rows.push({
          runId: run.id,
          step,
          tokens: step * tokensPerStep,
          flopsKaplan: 6 * run.nonEmbedding * step * tokensPerStep,
          flopsHoffmann: null,
          trainLoss: run.id === runIds[0] && step === spikeStep ? spikeLoss : loss + 0.05,
          evalLoss: step % evalEvery === 0 ? loss : null,
          learningRate: 1e-3,
          tokensPerSecond: 5_000,
        });
      }
      for (let i = 0; i < rows.length; i += 500) await points.insert(rows.slice(i, i + 500));
    }
    // Two checkpoints per run; every cell scored but one (run a's first checkpoint on hellaswag stays pending).
    const checkpoints = ds.getRepository(Checkpoint);
    const results = ds.getRepository(EvalResult);
    for (const run of gridRuns) {
      for (const step of [steps / 2, steps]) {
        const checkpoint = await checkpoints.save(
          checkpoints.create({ id: `ckpt-${run.id}-${step}`, runId: run.id, step, tokens: step * tokensPerStep, uri: `artifact://checkpoints/${run.id}/${step}`, sha256: 'a'.repeat(64) }),
        );
        const size = sizes.findIndex((s) => s.nonEmbedding === run.nonEmbedding);
        const blimp = run.variant === 'simplified' ? 0.55 + 0.08 * size : 0.5 + 0.01 * size;
        await results.save(results.create({ checkpointId: checkpoint.id, task: 'blimp', taskVersion: 'simplified', n: 1_000, acc: blimp, accNorm: blimp, stderr: 0.015, chance: 0.5 }));
        if (!(run.id === runIds[0] && step === steps / 2)) {
          await results.save(results.create({ checkpointId: checkpoint.id, task: 'hellaswag', taskVersion: 'original', n: 500, acc: 0.25 + 0.01 * size, accNorm: 0.26 + 0.01 * size, stderr: 0.02, chance: 0.25 }));
        }
      }
    }
    // A published reference result on blimp.
    const baselines = ds.getRepository(Baseline);
    await baselines.save(baselines.create({ model: 'pythia-70m', family: 'Pythia', params: 70_426_624, task: 'blimp', taskVersion: 'simplified', metric: 'acc', value: 0.81, reference: 'test' }));
    // Two versions of the simplified fit (the page shows only the latest) and one regular fit.
    const fits = ds.getRepository(ScalingFit);
    const fit = (variant, version, xc, alpha) =>
      fits.create({
        experimentId,
        axis: 'params',
        form: 'pure-power',
        variant,
        version,
        inputs: ['params'],
        parameters: { xc, alpha },
        intervals: { xc: [xc / 2, xc * 2], alpha: [alpha - 0.01, alpha + 0.01] },
        residuals: gridRuns.filter((r) => r.variant === variant).map((r) => ({ runId: r.id, observed: finalLoss(r), predicted: (xc / r.nonEmbedding) ** alpha, at: { params: r.nonEmbedding } })),
        runIds: gridRuns.filter((r) => r.variant === variant).map((r) => r.id),
        diagnostics: { r2LogSpace: 0.987 },
        inputHash: `${variant}${version}`.padEnd(64, '0'),
      });
    await fits.save([fit('simplified', 1, 1e11, 0.1), fit('simplified', 2, law.simplified.xc, law.simplified.alpha), fit('regular', 1, law.regular.xc, law.regular.alpha)]);
    for (const variant of ['simplified', 'regular']) {
      for (const report of fitSeededLaws(variant)) {
        fittedLaws.set(`${report.axis}|${variant}|${report.form}`, report);
        const { axis, form, inputs, parameters, intervals, residuals, runIds: ids, diagnostics } = report;
        await fits.save(fits.create({ experimentId, axis, form, variant, version: 1, inputs, parameters, intervals, residuals, runIds: ids, diagnostics, inputHash: `${axis}${form}${variant}`.padEnd(64, '0') }));
      }
    }
  } finally {
    await ds.destroy();
  }
}

/** Starts `next start` in its own process group; resolves once /api/health answers. */
async function startDashboard(env) {
  const port = await freePort();
  // Only what `env` says selects the database, never the caller's environment.
  const { DATABASE_URL: _url, DOWNSCALE_HOME: _home, ...inherited } = process.env;
  const childEnv = { ...inherited, ...env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir,
    env: childEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited = false;
  const exit = new Promise((r) => child.once('exit', (code, signal) => ((exited = true), r({ code, signal }))));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`next start exited before it answered:\n${log}`);
    try {
      await fetch(`${base}/api/health/live`, { signal: AbortSignal.timeout(2_000) });
      return { base, stop, log: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(`next start did not answer within ${startTimeoutMs / 1000} s:\n${log}`);
}

async function get(base, path) {
  const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(20_000) });
  return { status: response.status, body: await response.text() };
}

const built = existsSync(join(appDir, '.next', 'BUILD_ID'));

async function launchBrowser() {
  assert.ok(existsSync(chromiumPath), `no browser at ${chromiumPath}: install Debian's chromium (apt-get install chromium)`);
  // Flags: a closed network makes Chromium's background services fail noisily.
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What server-rendered HTML escapes (React: & < > " '), undone. */
const unescapeHtml = (html) =>
  html.replace(/&(lt|gt|quot|amp|#x27|#39);/g, (_, entity) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#x27': "'", '#39': "'" })[entity]);

/**
 * The hostile name reads back verbatim from the database (a parameterised query finds it by
 * name, and the run table it names is still there), and every view that shows it escapes it:
 * no raw tag of it anywhere in the HTML, also not in the data Next inlines for hydration.
 */
async function assertHostileNameVerbatim(base, database) {
  const ds = await openDatabase({ ...database, migrate: 'none' });
  try {
    const stored = await ds.getRepository(Experiment).findOneBy({ name: hostile.name });
    assert.equal(stored?.id, hostile.id, 'found by its exact name');
    assert.equal(stored.name, hostile.name, 'stored verbatim');
    assert.ok((await ds.getRepository(Run).count()) > 0, 'the run table is still there');
  } finally {
    await ds.destroy();
  }
  for (const path of ['/', '/runs', `/runs?experiment=${hostile.id}`, `/scaling?experiment=${hostile.id}`, `/evaluations?experiment=${hostile.id}`]) {
    const page = await get(base, path);
    assert.equal(page.status, 200, path);
    for (const raw of ['<script>alert(1)', '<img src=x']) assert.ok(!page.body.includes(raw), `${path} holds the raw ${raw}`);
  }
  const overview = (await get(base, '/')).body.replaceAll('<!-- -->', '');
  const link = overview.match(new RegExp(`<a href="/runs\\?experiment=${hostile.id}">([^<]*)</a>`));
  assert.ok(link, 'the overview links the experiment by name');
  assert.equal(unescapeHtml(link[1]), hostile.name, 'the overview shows the name verbatim');
}

/** The run ids of the table rows, in page order. */
const rowIds = (body) => [...body.matchAll(/data-run-id="([^"]+)"/g)].map((m) => m[1]);

describe('dashboard (next start)', { timeout: 300_000 }, () => {
  const cleanups = [];
  let tmp;
  let healthy;
  let degraded;
  let serviceUrls;
  let nats;
  let publisherConnection;
  let publisher;
  let dashboard;

  before(async () => {
    assert.ok(built, `no production build in ${join(appDir, '.next')}: run "npx nx run dashboard:build" first`);
    tmp = mkdtempSync(join(tmpdir(), 'downscale-dashboard-'));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    mkdirSync(resultsDir, { recursive: true });
    await seed({ sqlitePath: join(tmp, 'downscale.sqlite') });
    healthy = await fakeService('corpus', 'ok');
    degraded = await fakeService('evaluator', 'degraded');
    cleanups.push(() => new Promise((r) => healthy.server.close(r)), () => new Promise((r) => degraded.server.close(r)));
    // Nothing listens on these: the services must show as down.
    const [trainerPort, scalingPort] = [await freePort(), await freePort()];
    serviceUrls = JSON.stringify({
      corpus: healthy.url,
      trainer: `http://127.0.0.1:${trainerPort}`,
      evaluator: degraded.url,
      scaling: `http://127.0.0.1:${scalingPort}`,
    });
    nats = await startNatsServer();
    cleanups.push(() => nats.stop());
    publisherConnection = await connectNats({ servers: nats.url, name: 'dashboard-test' });
    cleanups.push(() => publisherConnection.close());
    await ensureStreams(publisherConnection);
    publisher = new EventPublisher(publisherConnection, 'dashboard-test');
    dashboard = await startDashboard({ DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'), DOWNSCALE_SERVICE_URLS: serviceUrls, NATS_URL: nats.url });
    cleanups.push(() => dashboard.stop());
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('shows service health, experiments and runs from the database', async () => {
    const health = await get(dashboard.base, '/api/health');
    assert.equal(health.status, 200, health.body);
    const report = JSON.parse(health.body);
    assert.equal(report.status, 'ok');
    assert.equal(report.checks.database.ok, true);

    const overview = await get(dashboard.base, '/');
    assert.equal(overview.status, 200, dashboard.log());
    assert.match(overview.body, /data-service="corpus" data-state="ok"/);
    assert.match(overview.body, /data-service="evaluator" data-state="degraded"/);
    assert.match(overview.body, /data-service="trainer" data-state="down"/);
    assert.match(overview.body, /data-service="scaling" data-state="down"/);
    assert.match(overview.body, /ECONNREFUSED/, 'the error of an unreachable service is shown');
    assert.match(overview.body, /dashboard test experiment/);
    assert.match(overview.body, /data-run-id="run-dashboard-test-b"/);

    const runs = await get(dashboard.base, '/runs');
    assert.equal(runs.status, 200);
    assert.deepEqual(rowIds(runs.body).sort(), [...gridRuns.map((r) => r.id), runIds[1]].sort());
    assert.match(runs.body, /title="150,000 parameters, 25,000 without embeddings">150k</, 'parameter counts are shown');
    // Run a: 3,000 steps of 1,024 tokens; its last train loss; its last (= best) eval loss; its backend.
    const a = gridRuns[0];
    const last = (finalLoss(a) + 0.05).toFixed(4);
    assert.match(runs.body, new RegExp(`data-run-id="${runIds[0]}".*?>3\\.07M<.*?>${last}<.*?>${finalLoss(a).toFixed(4)}<.*?>${finalLoss(a).toFixed(4)}<.*?>tensorflow<`, 's'));
  });

  test('a name with quotes, SQL and HTML is stored and shown verbatim, and never runs as script', async () => {
    await assertHostileNameVerbatim(dashboard.base, { sqlitePath: join(tmp, 'downscale.sqlite') });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const dialogs = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${dashboard.base}/`, { waitUntil: 'load' });
      const link = page.getByRole('link', { name: hostile.name, exact: true });
      assert.equal(await link.count(), 1, 'the browser shows the name as text');
      assert.equal(await link.textContent(), hostile.name);
      await page.goto(`${dashboard.base}/scaling?experiment=${hostile.id}`, { waitUntil: 'load' });
      assert.ok((await page.locator('strong', { hasText: hostile.name }).count()) >= 1, 'the scaling view names it as text');
      assert.deepEqual(dialogs, [], 'no script of the name ran');
    } finally {
      await browser.close();
    }
  });

  test('the runs table sorts and filters by the URL', async () => {
    const bySize = await get(dashboard.base, '/runs?sort=params&dir=asc');
    const ids = rowIds(bySize.body);
    const params = (id) => (id === runIds[1] ? 234_567 : gridRuns.find((r) => r.id === id).params);
    assert.deepEqual(
      ids.map(params),
      ids.map(params).toSorted((x, y) => x - y),
    );
    assert.match(bySize.body, /aria-sort="ascending"/);

    const queued = await get(dashboard.base, '/runs?state=queued');
    assert.deepEqual(rowIds(queued.body), [runIds[1]]);
    const regular = await get(dashboard.base, `/runs?variant=regular&experiment=${experimentId}`);
    assert.deepEqual(rowIds(regular.body).sort(), gridRuns.filter((r) => r.variant === 'regular').map((r) => r.id).sort());
    const csv = await get(dashboard.base, '/api/runs.csv?state=queued');
    assert.equal(csv.status, 200);
    const [header, line] = csv.body.split('\r\n');
    assert.match(header, /^run,experiment_id,experiment,hidden_size,layers,params_total,/);
    assert.match(line, new RegExp(`^${runIds[1]},${experimentId},dashboard test experiment,64,4,234567,,simplified,1,queued,`));
    assert.equal(csv.body.split('\r\n').length, 3, 'the header, the one queued run, and the final line end');

    const none = await get(dashboard.base, '/runs?q=no-such-run');
    assert.match(none.body, /No run matches these filters/);
    const elsewhere = await get(dashboard.base, '/runs?experiment=no-such-experiment');
    assert.deepEqual(rowIds(elsewhere.body), []);
    assert.match(elsewhere.body, /No runs yet: start the demo experiment with <code>npm start<\/code>/);
  });

  test('in a browser, each view shows the seeded data (screenshots in test-results/)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // Every view with live updates connects to them (NATS is up) before its screenshot.
      const shot = async (name) => {
        if ((await page.getByTestId('live-status').count()) > 0) await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
        await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true });
      };

      await page.goto(dashboard.base);
      await shot('overview');
      await page.getByRole('link', { name: 'dashboard test experiment' }).click();
      await page.waitForURL(`**/runs?experiment=${experimentId}`);
      assert.equal(await page.locator('[data-run-id]').count(), gridRuns.length + 1);

      // Sorting by a header keeps the view in the URL.
      await page.getByRole('link', { name: 'Params' }).click();
      await page.waitForURL(/sort=params&dir=desc/);
      assert.equal(await page.locator('[data-run-id]').first().getAttribute('data-run-id'), gridRuns.at(-1).id, 'largest first');
      await shot('runs');

      // Compare two runs: their curves are overlaid; run a's single spike survives downsampling.
      await page.getByRole('checkbox', { name: `compare ${runIds[0]}` }).check();
      await page.getByRole('checkbox', { name: `compare ${gridRuns.at(-1).id}` }).check();
      await page.getByRole('button', { name: /Compare the selected runs/ }).click();
      await page.waitForURL(/\/curves\?run=/);
      const curves = page.getByTestId('curves-chart');
      assert.deepEqual((await curves.locator('[data-series]').evaluateAll((els) => els.map((e) => e.getAttribute('data-series')))).sort(), [runIds[0], gridRuns.at(-1).id].sort());
      const drawn = Number(await curves.locator(`[data-series="${runIds[0]}"]`).getAttribute('data-points'));
      assert.ok(drawn > 0 && drawn < steps, `run a's ${steps} points are downsampled (${drawn} drawn)`);
      assert.equal(Number(await curves.locator(`[data-series="${runIds[0]}"]`).getAttribute('data-max-y')), spikeLoss, 'the spike is drawn');
      await page.getByRole('link', { name: 'log x' }).click();
      await page.waitForURL(/logx=1/);
      assert.match(await curves.locator('.axis-label').first().textContent(), /tokens trained on \(log scale\)/);
      // Smoothing draws the raw curve faintly behind the smoothed one: the spike is still drawn.
      await page.getByRole('link', { name: '0.9', exact: true }).click();
      await page.waitForURL(/smooth=0\.9/);
      assert.equal(Number(await curves.locator(`[data-series="${runIds[0]}-raw"]`).getAttribute('data-max-y')), spikeLoss);
      assert.ok(Number(await curves.locator(`[data-series="${runIds[0]}"]`).getAttribute('data-max-y')) < spikeLoss, 'the smoothed line damps the spike');
      assert.deepEqual(await curves.locator('.legend li').allTextContents(), [
        `25k simplified s0 (${runIds[0]}), smoothed`,
        `800k regular s0 (${gridRuns.at(-1).id}), smoothed`,
      ]);
      await shot('curves');
      // Zoom: re-reads the range at full resolution, re-rendering without reloading the page;
      // the range is in the URL. Run a's raw line has a point per step of the range, no more.
      await page.evaluate(() => (window.__beforeZoom = true));
      const rawA = curves.locator(`[data-series="${runIds[0]}-raw"]`);
      const zoom = async (from, to) => {
        await page.getByLabel('from step').fill(String(from));
        await page.getByLabel('to step').fill(String(to));
        await page.getByRole('button', { name: 'Zoom' }).click();
        await page.waitForURL(new RegExp(`from=${from}&to=${to}`));
        await curves.locator(`[data-series="${runIds[0]}-raw"][data-points="${to - from + 1}"]`).waitFor();
      };
      // The spike inside the range is drawn, at the top of the plot (its y axis reaches up to it).
      await zoom(spikeStep - 77, spikeStep + 73);
      assert.equal(Number(await rawA.getAttribute('data-max-y')), spikeLoss, 'the spike in the range is drawn');
      const plotTop = Number(await curves.locator('clipPath rect').getAttribute('y'));
      const plotHeight = Number(await curves.locator('clipPath rect').getAttribute('height'));
      const lineTop = await rawA.locator('path').evaluate((path) => path.getBBox().y);
      assert.ok(lineTop < plotTop + 0.1 * plotHeight, `the spike reaches the top of the plot (line top ${lineTop}, plot ${plotTop} + ${plotHeight})`);
      // A range without it: the spike, outside, is not drawn.
      await zoom(1000, 1100);
      assert.ok(Number(await rawA.getAttribute('data-max-y')) < spikeLoss, 'the spike outside the range is not drawn');
      assert.equal(await page.evaluate(() => window.__beforeZoom), true, 'the page was not reloaded');
      // The URL is the zoomed view: reloading it shows the same range.
      await page.reload();
      await curves.locator(`[data-series="${runIds[0]}-raw"][data-points="101"]`).waitFor();
      assert.equal(await page.getByLabel('from step').inputValue(), '1000');
      assert.equal(await page.getByLabel('to step').inputValue(), '1100');
      // The SVG download is the zoomed chart, its hairlines written as widths any viewer keeps.
      const [zoomedDownload] = await Promise.all([page.waitForEvent('download'), curves.getByRole('button', { name: /as SVG/ }).click()]);
      const zoomedSvg = readFileSync(await zoomedDownload.path(), 'utf8');
      assert.match(zoomedSvg, new RegExp(`data-series="${runIds[0]}-raw" data-points="101"`));
      assert.doesNotMatch(zoomedSvg, /vector-effect/);
      assert.match(zoomedSvg, /<path [^>]*style="[^"]*stroke-width: 0\.\d+/, 'a hairline is thinner than a viewBox unit on a page wider than the chart');

      // Run detail: configuration, both curves, checkpoints with a pending cell.
      await page.goto(`${dashboard.base}/runs/${runIds[0]}`);
      assert.match(await page.getByTestId('run-config').textContent(), /hidden size 32, 2 layers, 4 heads/);
      const runChart = page.getByTestId('run-chart');
      assert.ok(Number(await runChart.locator('[data-series="train"]').getAttribute('data-points')) > 0);
      assert.equal(await runChart.locator('[data-series="eval"]').getAttribute('data-points'), String(steps / 300));
      const checkpointCells = page.getByTestId('checkpoints-table').locator('td.cell-pending');
      assert.equal(await checkpointCells.count(), 1);
      await shot('run');

      // Scaling: every axis, both variants side by side, each stored law with its band and extrapolation.
      await page.goto(`${dashboard.base}/scaling`);
      const forms = ['pure-power', 'power-plus-constant'];
      for (const axis of ['params', 'paramsTotal', 'tokens', 'compute']) {
        for (const variant of ['simplified', 'regular']) {
          const chart = page.getByTestId(`scaling-${axis}-${variant}`);
          const where = `${axis}, ${variant}`;
          if (axis === 'params' || axis === 'paramsTotal') {
            assert.equal(await chart.locator('[data-series="runs"] circle').count(), sizes.length, `${where}: a point per run`);
          } else {
            assert.equal(await chart.locator('[data-series^="curve-"]').count(), sizes.length, `${where}: a curve per run`);
            assert.ok(Number(await chart.locator('[data-series="envelope"]').getAttribute('data-points')) >= 2, `${where}: the envelope the law is fitted on`);
          }
          for (const form of forms) {
            assert.ok(Number(await chart.locator(`[data-series="fit-${form}"]`).getAttribute('data-points')) > 1, `${where}: ${form} drawn over the data`);
            assert.ok(Number(await chart.locator(`[data-series="fit-${form}-extrapolated"]`).getAttribute('data-points')) > 1, `${where}: ${form} extrapolated`);
          }
          assert.ok((await chart.locator('path[data-band]').count()) >= 1, `${where}: a confidence band`);
        }
        // The latest version of each law of each variant, its numbers those fitted by the scaling code.
        const table = page.getByTestId(`fits-table-${axis}`);
        assert.equal(await table.locator('tbody tr').count(), 4, `${axis}: two laws per variant`);
        if (axis !== 'params') {
          const report = fittedLaws.get(`${axis}|regular|pure-power`);
          const row = table.locator('tbody tr', { hasText: 'regular' }).filter({ hasText: 'pure-power' });
          assert.match(await row.textContent(), new RegExp(`alpha = ${String(Number(report.parameters.alpha.toPrecision(4))).replace('.', '\\.')} `));
        }
      }
      const paramsTable = await page.getByTestId('fits-table-params').textContent();
      assert.match(paramsTable, /simplified.*pure-power.*alpha = 0\.07 .*xc = 1\.000e\+12 .*v2/s);
      assert.equal(await page.getByTestId('fits-history-params').locator('tbody tr').count(), 5, 'both versions of the simplified law in the history');
      assert.equal(await page.getByTestId('scaling-compute-simplified').locator('[data-series="joint-optimal"]').count(), 1, 'the joint law at the compute-optimal allocation');
      const optimal = fittedLaws.get('params+tokens|simplified|joint-chinchilla').diagnostics.computeOptimal;
      assert.equal(await page.getByTestId('optimal-simplified').locator('tbody tr').count(), optimal.length);
      assert.equal(Number(await page.getByTestId('scaling-optimal-simplified').locator('[data-series="n-opt"]').getAttribute('data-points')), optimal.length);
      await shot('scaling');

      // Exports: a chart as SVG and PNG, a table as CSV, the fitted parameters as LaTeX.
      const downloaded = async (trigger) => {
        const [download] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
        // Kept with the screenshots, to look at.
        const path = join(resultsDir, download.suggestedFilename());
        await download.saveAs(path);
        return { name: download.suggestedFilename(), bytes: readFileSync(path) };
      };
      const computeChart = page.getByTestId('scaling-compute-simplified');
      const svg = await downloaded(computeChart.getByRole('button', { name: /as SVG/ }));
      assert.equal(svg.name, `scaling-compute-simplified-${experimentId}.svg`);
      const svgText = svg.bytes.toString('utf8');
      assert.match(svgText, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svgText, /data-series="envelope"/);
      assert.match(svgText, /style="[^"]*stroke:/, 'the page styles are written into the SVG');
      assert.match(svgText, /<text [^>]*>compute-optimal frontier \(lowest loss at each C\)<\/text>/, 'the legend is drawn into the SVG');
      const png = await downloaded(computeChart.getByRole('button', { name: /as PNG/ }));
      assert.equal(png.name, `scaling-compute-simplified-${experimentId}.png`);
      assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
      assert.equal(png.bytes.readUInt32BE(16), 1040, 'twice the chart width');
      const csv = await downloaded(page.getByRole('button', { name: `Download the table as CSV (fits-tokens-${experimentId}.csv)` }));
      const csvLines = csv.bytes.toString('utf8').split('\r\n');
      assert.equal(csvLines[0], 'Variant,Law,Parameters (95% interval),R²,Runs,Version,Fitted');
      assert.equal(csvLines.length, 6, 'the header, 4 laws, the final line end');
      const tokensLaw = fittedLaws.get('tokens|regular|pure-power');
      assert.ok(csvLines.some((l) => l.startsWith('regular,pure-power,') && l.includes(`alpha=${tokensLaw.parameters.alpha} [`)), 'full precision in the CSV');
      const tex = await downloaded(page.getByRole('link', { name: 'LaTeX table of the fitted parameters' }));
      assert.equal(tex.name, `fits-${experimentId}.tex`);
      const latex = tex.bytes.toString('utf8');
      assert.ok(latex.includes('$N$ & simplified & pure power (v2) & $\\alpha$ & $0.0700$ & [$0.0600$, $0.0800$] & $0.987$ & 4 \\\\'), latex);
      assert.ok(latex.includes(' &  &  & $x_c$ & $1.00 \\times 10^{12}$ & [$5.00 \\times 10^{11}$, $2.00 \\times 10^{12}$] &  &  \\\\'));
      assert.ok(latex.includes('$N, D$ & simplified & joint (Chinchilla) (v1)'));
      for (const environment of ['table', 'tabular']) assert.equal(latex.split(`\\begin{${environment}}`).length, 2, environment);
      assert.equal(latex.split('{').length, latex.split('}').length, 'braces balance');

      // Evaluations: the checkpoint x task matrix and accuracy against size with the chance line.
      await page.goto(`${dashboard.base}/evaluations`);
      const matrix = page.getByTestId('eval-matrix');
      assert.equal(await matrix.locator('td[data-state="done"]').count(), gridRuns.length * 4 - 1);
      assert.equal(await matrix.locator('td[data-state="pending"]').count(), 1);
      const blimp = page.getByTestId('emergence-blimp · simplified');
      assert.equal(await blimp.locator('[data-series] circle').count(), sizes.length * 2);
      assert.deepEqual(await blimp.locator('.reference text').allTextContents(), ['chance 50%', 'pythia-70m (70.4M) 81%']);
      await shot('evaluations');
      const matrixCsv = await downloaded(page.getByRole('button', { name: `Download the table as CSV (evaluations-${experimentId}.csv)` }));
      const matrixLines = matrixCsv.bytes.toString('utf8').split('\r\n');
      assert.equal(matrixLines[0], 'Run,Variant,Params,Step,blimp · simplified,hellaswag · original');
      assert.ok(matrixLines.includes(`${runIds[0]},simplified,25000,${steps / 2},0.55,`), 'unrounded scores; the pending cell empty');

      // Corpus: reached from the nav; both corpora with their stored statistics.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Corpus' }).click();
      await page.waitForURL('**/corpus');
      const simplified = page.locator(`[data-corpus-id="${corpora.simplified.id}"]`);
      assert.match(await simplified.locator('[data-figure="Words"]').textContent(), /^41,000 of 100,000$/);
      assert.match(await simplified.getByTestId('corpus-figures').textContent(), /word retention 41\.0%.*OOV rate0\.30%/s);
      assert.deepEqual(await simplified.getByTestId('oov-words').locator('mark').allTextContents(), ['quasar', 'xylophone', 'zeppelin']);
      assert.equal(await simplified.locator(`[data-testid="oov-ranks-${corpora.simplified.id}"] [data-series] circle`).count(), 3, 'a rank point per OOV word');
      assert.equal(await simplified.getByTestId('span-lengths').locator('tbody tr').count(), 3);
      // The Zipf plot of the stored top words: a line over their ranks on log-log axes, with Zipf's law beside it.
      const zipf = simplified.getByRole('img', { name: 'Rank against frequency of the 200 most frequent words, simplified corpus' });
      assert.equal(Number(await zipf.locator('[data-series="words"]').getAttribute('data-points')) > 10, true, 'the words are drawn');
      assert.equal(await zipf.locator('[data-series="zipf-law"]').count(), 1);
      assert.match(await zipf.textContent(), /rank \(1 = most frequent word\) \(log scale\).*occurrences \(words\) \(log scale\)/s);
      assert.match(await simplified.getByTestId('top-words').locator('li').first().textContent(), /^w0 8,000$/);
      // The sample of spans: kept OOV words highlighted, the one that ended the span struck after it, the text escaped.
      const samples = simplified.getByTestId('span-samples');
      assert.equal(await samples.locator('li').count(), 2);
      assert.deepEqual(await samples.locator('mark').allTextContents(), ['quasar', '😀']);
      assert.match(await simplified.getByTestId('span-legend').textContent(), /Highlighted: an out-of-vocabulary word the span kept/);
      const first = samples.locator('li').first();
      assert.equal(await first.getByTestId('span-end').textContent(), 'span ended here: Xylophone');
      assert.equal(await first.locator('del').textContent(), 'Xylophone');
      assert.match(await first.textContent(), /Then the <b>dog<\/b> ran 😀 home span ended here/, 'markup in a span is text');
      assert.equal(await samples.locator('b').count(), 0);
      assert.match(await samples.locator('li').nth(1).textContent(), /A dog sat on the mat\. …document book-2\.txt, 6 words \(the stored text is the first 2,000 bytes\); the document ended here/);
      assert.match(await simplified.getByTestId('not-stored').textContent(), /spans beyond the sample/);
      const regular = page.locator(`[data-corpus-id="${corpora.regular.id}"]`);
      assert.match(await regular.locator('[data-figure="Budget"]').textContent(), /41,000 of 41,000 words/);
      assert.match(await regular.textContent(), /the regular corpus is cut to a word budget without counting its words by type/i);
      assert.equal(await regular.getByTestId('span-samples').count(), 0, 'whole documents: no spans to sample');
      await samples.screenshot({ path: join(resultsDir, 'corpus-span-samples.png') });
      await shot('corpus');

      assert.deepEqual(pageErrors, [], 'the pages run without script errors');
    } finally {
      await browser.close();
    }
  });

  test('the form creates an experiment: stored, listed, and announced on NATS; a bad one stores nothing', async () => {
    const announced = [];
    const subscription = publisherConnection.subscribe(eventSubjects.experimentCreated, { callback: (_error, msg) => announced.push(JSON.parse(msg.string())) });
    await publisherConnection.flush();
    const countExperiments = async () => {
      const ds = await openDatabase({ sqlitePath: join(tmp, 'downscale.sqlite'), migrate: 'none' });
      try {
        return await ds.getRepository(Experiment).count();
      } finally {
        await ds.destroy();
      }
    };
    const before = await countExperiments();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      await page.goto(dashboard.base);
      await page.getByRole('link', { name: 'New experiment' }).click();
      await page.waitForURL('**/experiments/new');
      await page.getByRole('link', { name: 'paper', exact: true }).click();
      await page.waitForURL('**/experiments/new?preset=paper');
      assert.equal(await page.getByLabel('Token budget per run').inputValue(), '2100000000', 'the paper preset fills the form');
      await page.getByRole('link', { name: 'demo', exact: true }).click();
      await page.waitForURL('**/experiments/new?preset=demo');

      // A hidden size of 0: the contract's error next to the field, nothing stored or announced.
      await page.getByLabel('Name', { exact: true }).fill('made with the form');
      await page.getByLabel('Hidden sizes').fill('16, 0');
      await page.getByRole('button', { name: 'Create experiment' }).click();
      const error = page.locator('.field-error[data-field="grid.hiddenSizes"]');
      await error.waitFor();
      assert.match(await error.textContent(), /^item 2: /);
      assert.equal(await page.getByLabel('Hidden sizes').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'made with the form', 'the form keeps what was typed');
      await page.screenshot({ path: join(resultsDir, 'new-experiment-error.png'), fullPage: true });
      assert.equal(await countExperiments(), before);

      await page.getByLabel('Hidden sizes').fill('16, 32');
      await page.getByRole('button', { name: 'Create experiment' }).click();
      await page.waitForURL(/\/\?created=/);
      const id = new URL(page.url()).searchParams.get('created');
      assert.match(await page.getByTestId('created-notice').textContent(), /made with the form/);
      const row = page.locator(`[data-testid="experiments-table"] tr[data-experiment-id="${id}"]`);
      assert.match(await row.textContent(), /made with the form.*demo.*created/s);
      await page.screenshot({ path: join(resultsDir, 'new-experiment-created.png'), fullPage: true });
      assert.equal(await countExperiments(), before + 1);
      await publisherConnection.flush();
      assert.equal(announced.length, 1, 'experiment.created published once');
      assert.equal(announced[0].payload.experimentId, id);
      assert.deepEqual(announced[0].payload.spec.grid.hiddenSizes, [16, 32]);
      assert.equal(announced[0].payload.spec.contextLength, 64, "the demo preset's settings the form does not show");
    } finally {
      subscription.unsubscribe();
      await browser.close();
    }
  });

  test('a new metric point appears without reload, also after NATS restarts', async () => {
    const browser = await launchBrowser();
    const ds = await openDatabase({ sqlitePath: join(tmp, 'downscale.sqlite'), migrate: 'verify' }).catch(async (error) => {
      await browser.close();
      throw error;
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      const run = gridRuns.at(-1);
      await page.goto(`${dashboard.base}/runs/${run.id}`);
      await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
      // Anything a reload would lose.
      await page.evaluate(() => (window.__sameDocument = true));

      const report = async (step) => {
        await ds.getRepository(MetricPoint).insert({ runId: run.id, step, tokens: step * tokensPerStep, flopsKaplan: 1, trainLoss: 2.5, evalLoss: null });
        await publisher.publish(eventSubjects.metricsReported, { runId: run.id, points: [{ step, tokens: step * tokensPerStep, flopsKaplan: 1, trainLoss: 2.5 }] }, { id: `metrics:${run.id}:${step}` });
      };
      const shows = (step) =>
        page.waitForFunction((text) => document.querySelector('[data-testid="run-config"]')?.textContent?.includes(text), `step ${step.toLocaleString('en-US')}`);

      await report(steps + 100);
      await shows(steps + 100);
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
      await page.screenshot({ path: join(resultsDir, 'live.png'), fullPage: true });

      // NATS goes away and comes back: the dashboard reconnects, the page catches up and stays live.
      await nats.restart();
      await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
      await report(steps + 200);
      await shows(steps + 200);
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
    } finally {
      await ds.destroy();
      await browser.close();
    }
  });

  test('a dashboard on loopback sends its pages uncompressed, unless DASHBOARD_COMPRESS=1', async () => {
    const gzipped = async (base) => (await fetch(`${base}/runs`, { headers: { 'accept-encoding': 'gzip' }, signal: AbortSignal.timeout(20_000) })).headers.get('content-encoding');
    assert.equal(await gzipped(dashboard.base), null, 'bound to 127.0.0.1, nothing is gzipped');
    const compressing = await startDashboard({ DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'), DOWNSCALE_SERVICE_URLS: serviceUrls, NATS_URL: nats.url, DASHBOARD_COMPRESS: '1' });
    try {
      assert.equal(await gzipped(compressing.base), 'gzip');
    } finally {
      await compressing.stop();
    }
  });

  test('without NATS the pages still render, and say they are not live', async () => {
    const browser = await launchBrowser();
    const offline = await startDashboard({ DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'), DOWNSCALE_SERVICE_URLS: serviceUrls, NATS_URL: `nats://127.0.0.1:${await freePort()}` });
    try {
      const page = await browser.newPage();
      await page.goto(`${offline.base}/runs`);
      await page.waitForSelector('[data-testid="live-status"][data-state="down"]');
      assert.match(await page.getByTestId('live-status').getAttribute('title'), /no NATS server at nats:\/\/127\.0\.0\.1:\d+/);
      assert.equal(await page.locator('[data-run-id]').count(), gridRuns.length + 1);
    } finally {
      await browser.close();
      await offline.stop();
    }
  });

  test('an empty database: every view says what to do', async () => {
    const empty = join(tmp, 'empty.sqlite');
    await (await openDatabase({ sqlitePath: empty, migrate: 'run' })).destroy();
    const fresh = await startDashboard({ DOWNSCALE_SQLITE_PATH: empty, DOWNSCALE_SERVICE_URLS: serviceUrls, NATS_URL: nats.url, DASHBOARD_ALLOW_WRITES: '0' });
    try {
      const form = await get(fresh.base, '/experiments/new');
      assert.match(form.body, /This dashboard only reads/, 'with writes off there is no form');
      assert.doesNotMatch(form.body, /<form/);
      const expected = {
        '/': /No experiments yet: start the demo with <code>npm start<\/code>/,
        '/runs': /No runs yet: start the demo experiment with <code>npm start<\/code>/,
        '/curves': /No runs yet: start the demo experiment with <code>npm start<\/code>/,
        '/scaling': /No experiments yet: start the demo with <code>npm start<\/code>/,
        '/evaluations': /No experiments yet: start the demo with <code>npm start<\/code>/,
        '/corpus': /No experiments yet: start the demo with <code>npm start<\/code>/,
        '/runs/no-such-run': /There is no such page/,
      };
      for (const [path, text] of Object.entries(expected)) {
        const page = await get(fresh.base, path);
        assert.match(page.body, text, path);
        assert.doesNotMatch(page.body, /role="alert"/, `${path} shows no error`);
      }
    } finally {
      await fresh.stop();
    }
  });

  test('a database it cannot use is a readable message, not a crash', async () => {
    // A folder where the SQLite file should be: the database cannot be opened.
    const broken = await startDashboard({ DOWNSCALE_SQLITE_PATH: tmp, DOWNSCALE_SERVICE_URLS: serviceUrls, NATS_URL: nats.url });
    try {
      const health = await get(broken.base, '/api/health');
      assert.equal(health.status, 503);
      const report = JSON.parse(health.body);
      assert.equal(report.status, 'degraded');
      assert.equal(report.checks.database.ok, false);
      assert.ok(report.checks.database.detail.length > 0);

      for (const path of ['/', '/runs', '/curves', '/scaling', '/evaluations', '/corpus', `/runs/${runIds[0]}`]) {
        const page = await get(broken.base, path);
        assert.equal(page.status, 200, `${path}: ${broken.log()}`);
        assert.match(page.body, /could not be read from the database/, path);
        assert.match(page.body, /role="alert"/);
      }
    } finally {
      await broken.stop();
    }
  });

  test('with users configured, everyone signs in; viewers read, only editors create experiments and cancel runs', async () => {
    const usersFile = join(tmp, 'users.txt');
    writeFileSync(usersFile, `# the lab\nvera:viewer:${await hashPassword('viewer password')}\neddie:editor:${await hashPassword('editor password')}\n`);
    const lab = await startDashboard({
      DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'),
      DOWNSCALE_SERVICE_URLS: serviceUrls,
      NATS_URL: nats.url,
      DASHBOARD_USERS_FILE: usersFile,
      DASHBOARD_SESSION_SECRET: randomBytes(32).toString('hex'),
    });
    const values = { ...formValues(await presetSpec('demo')), name: 'made by an editor', hiddenSizes: '16, 32' };
    const form = new URLSearchParams(Object.entries(values).flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => [key, v]) : [[key, value]])));
    const post = (request) => request.post(`${lab.base}/api/experiments`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: form.toString() });
    const storedNamed = async (name) => {
      const ds = await openDatabase({ sqlitePath: join(tmp, 'downscale.sqlite'), migrate: 'none' });
      try {
        return await ds.getRepository(Experiment).countBy({ name });
      } finally {
        await ds.destroy();
      }
    };
    const browser = await launchBrowser();
    try {
      // Anonymous: a page redirects to the sign-in, an API answers 401, the probes stay open.
      const anonymous = await fetch(`${lab.base}/runs?state=queued`, { redirect: 'manual' });
      assert.equal(anonymous.status, 307);
      const target = new URL(anonymous.headers.get('location'), lab.base);
      assert.equal(`${target.pathname}${target.search}`, '/signin?next=%2Fruns%3Fstate%3Dqueued');
      assert.equal((await fetch(`${lab.base}/api/runs.csv`)).status, 401);
      assert.equal((await fetch(`${lab.base}/api/experiments`, { method: 'POST', body: form })).status, 401);
      assert.equal((await fetch(`${lab.base}/api/health/live`)).status, 200);

      const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      const signIn = async (name, password) => {
        await page.getByLabel('Name').fill(name);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };
      await page.goto(`${lab.base}/runs?state=queued`);
      await page.waitForURL('**/signin?next=*');
      await signIn('vera', 'wrong password');
      const signInError = page.getByTestId('signin-form').getByRole('alert');
      await signInError.waitFor();
      assert.equal(await signInError.textContent(), 'Wrong name or password.');
      await page.screenshot({ path: join(resultsDir, 'signin.png'), fullPage: true });
      await signIn('vera', 'viewer password');
      await page.waitForURL('**/runs?state=queued');
      assert.deepEqual(await page.locator('[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))), [runIds[1]], 'back where the viewer was going');
      assert.match(await page.getByTestId('session').textContent(), /vera \(viewer\)/);

      // A viewer reads, and may not create: no form, and the server refuses a post.
      await page.goto(`${lab.base}/experiments/new`);
      assert.match(await page.locator('.error-box').textContent(), /vera is a viewer: only editors create experiments/);
      assert.equal(await page.getByTestId('experiment-form').count(), 0);
      const refused = await post(page.request);
      assert.equal(refused.status(), 403);
      assert.match((await refused.json()).error, /vera is a viewer/);
      assert.equal(await storedNamed(values.name), 0);

      // A running run: a viewer has no cancel button.
      const running = gridRuns[1];
      const setState = async (state) => {
        const ds = await openDatabase({ sqlitePath: join(tmp, 'downscale.sqlite'), migrate: 'none' });
        try {
          await ds.getRepository(Run).update({ id: running.id }, { state });
        } finally {
          await ds.destroy();
        }
      };
      await setState('running');
      await page.goto(`${lab.base}/runs/${running.id}`);
      await page.getByTestId('run-config').waitFor();
      assert.equal(await page.getByTestId('cancel-run').count(), 0, 'no cancel for a viewer');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/signin');
      await page.goto(`${lab.base}/experiments/new`);
      await page.waitForURL('**/signin?next=*');

      // An editor creates one: stored and announced.
      const announced = [];
      const subscription = publisherConnection.subscribe(eventSubjects.experimentCreated, { callback: (_error, msg) => announced.push(JSON.parse(msg.string())) });
      try {
        await publisherConnection.flush();
        await signIn('eddie', 'editor password');
        await page.waitForURL('**/experiments/new');
        assert.equal(await page.getByRole('button', { name: 'Create experiment' }).count(), 1, 'an editor has the form');
        const created = await post(page.request);
        assert.equal(created.status(), 201, await created.text());
        const { experimentId } = await created.json();
        assert.equal(await storedNamed(values.name), 1);
        await publisherConnection.flush();
        assert.deepEqual(announced.map((m) => m.payload.experimentId), [experimentId]);
      } finally {
        subscription.unsubscribe();
      }
      // An editor cancels: the contract's command goes to the trainers over NATS as a request.
      // With no trainer to answer, the page says that nothing was cancelled and why.
      const cancelButton = page.getByTestId('cancel-run').getByRole('button', { name: 'Cancel run' });
      await page.goto(`${lab.base}/runs/${running.id}`);
      await cancelButton.click();
      await page.getByText(/no trainer answered within 5 s .* so run [^ ]+ is not cancelled/).waitFor();
      // A trainer (here the test) answers as the contract says: stopping a running run, cancelling a queued one.
      const cancels = [];
      const cancelSubscription = publisherConnection.subscribe(controlSubjects.cancelRun, {
        callback: (_error, msg) => {
          const command = JSON.parse(msg.string());
          cancels.push(command);
          msg.respond(JSON.stringify({ runId: command.runId, outcome: cancels.length === 1 ? 'stopping' : 'cancelled' }));
        },
      });
      try {
        await publisherConnection.flush();
        await page.goto(`${lab.base}/runs/${running.id}`);
        await cancelButton.click();
        await page.getByText('Cancelled: the trainer stops the run at its next step').waitFor();
        assert.deepEqual(cancels, [{ runId: running.id, reason: 'cancelled from the dashboard by eddie' }]);
        await setState('queued');
        await page.goto(`${lab.base}/runs/${running.id}`);
        await cancelButton.click();
        await page.getByText('Cancelled: the queued run will not start.').waitFor();
        assert.equal(cancels.length, 2);
      } finally {
        cancelSubscription.unsubscribe();
        await setState('completed');
      }
      await page.goto(`${lab.base}/runs/${running.id}`);
      await page.getByTestId('run-config').waitFor();
      assert.equal(await page.getByTestId('cancel-run').count(), 0, 'a completed run has no cancel button');
      // A forged cookie is no sign-in.
      const forged = await fetch(`${lab.base}/runs`, { redirect: 'manual', headers: { cookie: 'downscale_session=eyJ1c2VyIjoiZWRkaWUiLCJyb2xlIjoiZWRpdG9yIiwiZXhwaXJlcyI6OTk5OTk5OTk5OTk5OX0.AAAA' } });
      assert.equal(forged.status, 307);
    } finally {
      await browser.close();
      await lab.stop();
    }
  });

  test('with an OpenID Connect provider, people sign in there; roles come from its groups and addresses', async () => {
    // A real provider (panva's oidc-provider) on this machine, its development sign-in page accepting any name.
    const providerPort = await freePort();
    const issuer = `http://127.0.0.1:${providerPort}`;
    const lab = await startDashboard({
      DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'),
      DOWNSCALE_SERVICE_URLS: serviceUrls,
      NATS_URL: nats.url,
      DASHBOARD_SESSION_SECRET: randomBytes(32).toString('hex'),
      DASHBOARD_OIDC_ISSUER: issuer,
      DASHBOARD_OIDC_CLIENT_ID: 'downscale-dashboard',
      DASHBOARD_OIDC_CLIENT_SECRET: 'a client secret of the test',
      DASHBOARD_OIDC_NAME: 'Lab SSO',
      DASHBOARD_OIDC_SCOPES: 'openid email groups',
      DASHBOARD_OIDC_EDITORS: 'group:ml-editors',
      DASHBOARD_OIDC_VIEWERS: '@lab.example',
    });
    const { default: Provider } = await import('oidc-provider');
    const people = { erin: ['ml-editors'], vic: ['students'] };
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'downscale-dashboard', client_secret: 'a client secret of the test', redirect_uris: [`${lab.base}/signin/oidc/callback`] }],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
      scopes: ['openid', 'email', 'groups'],
      findAccount: (_ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, email: id === 'mallory' ? 'mallory@elsewhere.example' : `${id}@lab.example`, email_verified: true, groups: people[id] ?? [] }),
      }),
      cookies: { keys: [randomBytes(16).toString('hex')] },
    });
    provider.on('server_error', (_ctx, error) => console.error('provider error', error));
    const providerServer = provider.listen(providerPort);
    const browser = await launchBrowser();
    try {
      const signInAs = async (page, name, next = '/runs') => {
        await page.goto(`${lab.base}${next}`);
        await page.waitForURL('**/signin?next=*');
        assert.equal(await page.getByTestId('signin-form').count(), 0, 'no password form without password users');
        await page.getByTestId('signin-provider').getByText('Sign in with Lab SSO').click();
        await page.waitForURL(`${issuer}/**`);
        await page.locator('input[name="login"]').fill(name);
        await page.locator('input[name="password"]').fill('anything');
        await page.getByRole('button', { name: 'Sign-in' }).click();
        await page.getByRole('button', { name: 'Continue' }).click();
      };
      const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
      const page = await context.newPage();
      await signInAs(page, 'erin', `/runs/${runIds[0]}`);
      await page.waitForURL(`${lab.base}/runs/${runIds[0]}`);
      assert.match(await page.getByTestId('session').textContent(), /erin@lab\.example \(editor\)/);
      await page.screenshot({ path: join(resultsDir, 'signin-oidc.png'), fullPage: true });
      await page.goto(`${lab.base}/experiments/new`);
      assert.equal(await page.getByRole('button', { name: 'Create experiment' }).count(), 1, 'an editor by group has the form');

      // A viewer by address reads, and may not write.
      const viewerContext = await browser.newContext();
      const viewer = await viewerContext.newPage();
      await signInAs(viewer, 'vic');
      await viewer.waitForURL(`${lab.base}/runs`);
      assert.match(await viewer.getByTestId('session').textContent(), /vic@lab\.example \(viewer\)/);
      await viewer.goto(`${lab.base}/experiments/new`);
      assert.match(await viewer.locator('.error-box').textContent(), /vic@lab\.example is a viewer: only editors create experiments/);

      // Someone the provider signs in but no rule lets in gets no session, and is told why.
      const outsiderContext = await browser.newContext();
      const outsider = await outsiderContext.newPage();
      await signInAs(outsider, 'mallory');
      await outsider.waitForURL(`${lab.base}/signin?problem=denied`);
      assert.match(await outsider.getByTestId('signin-problem').textContent(), /your account is not one this dashboard lets in/);
      assert.equal((await outsiderContext.cookies()).filter((c) => c.name === 'downscale_session').length, 0);
      const api = await outsider.request.get(`${lab.base}/api/runs.csv`, { maxRedirects: 0 });
      assert.equal(api.status(), 401);

      // A callback without the sign-in's cookie (another browser, or forged) signs no one in.
      const replay = await fetch(`${lab.base}/signin/oidc/callback?code=stolen&state=x&iss=${encodeURIComponent(issuer)}`, { redirect: 'manual' });
      assert.equal(replay.status, 303);
      assert.equal(replay.headers.get('location'), '/signin?problem=expired');
      assert.equal(replay.headers.getSetCookie().some((c) => c.startsWith('downscale_session=') && !c.includes('Expires=Thu, 01 Jan 1970')), false);
    } finally {
      await browser.close();
      await new Promise((r) => providerServer.close(r));
      await lab.stop();
    }
  });
});

describe('dashboard on PostgreSQL (next start)', { timeout: 180_000 }, () => {
  const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const name = `dashboard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin;
  let dashboard;

  before(async () => {
    assert.ok(built, `no production build in ${join(appDir, '.next')}: run "npx nx run dashboard:build" first`);
    admin = createDataSource({ url: serverUrl });
    try {
      await admin.initialize();
    } catch (error) {
      throw new Error(`PostgreSQL for the tests is unreachable at ${serverUrl} (${error.message}): start it, or set TEST_DATABASE_URL`, { cause: error });
    }
    // A database of its own: nothing else's tables, and dropped whole afterwards.
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await seed({ url: url.toString() });
    dashboard = await startDashboard({ DATABASE_URL: url.toString(), DOWNSCALE_SERVICE_URLS: '{}', NATS_URL: `nats://127.0.0.1:${await freePort()}` });
  });

  after(async () => {
    await dashboard?.stop();
    if (admin?.isInitialized) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    }
  });

  test('a name with quotes, SQL and HTML is stored and shown verbatim on PostgreSQL', async () => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await assertHostileNameVerbatim(dashboard.base, { url: url.toString() });
  });

  test('every view reads the same data from PostgreSQL', async () => {
    const runs = await get(dashboard.base, '/runs?sort=params&dir=asc');
    assert.equal(runs.status, 200, dashboard.log());
    assert.equal(rowIds(runs.body)[0], runIds[0], 'smallest first');
    assert.equal(rowIds(runs.body).length, gridRuns.length + 1);
    const a = gridRuns[0];
    assert.match(runs.body, new RegExp(`data-run-id="${runIds[0]}".*?>3\\.07M<.*?>${(finalLoss(a) + 0.05).toFixed(4)}<.*?>${finalLoss(a).toFixed(4)}<`, 's'));

    // React separates adjacent text in server HTML with empty comments.
    const run = (await get(dashboard.base, `/runs/${runIds[0]}`)).body.replaceAll('<!-- -->', '');
    assert.ok(run.includes('step 3,000, 3,072,000 tokens (100%)'), 'the run page shows its progress');
    assert.ok(run.includes('data-series="eval" data-points="10"'), 'the run page draws its 10 eval points');

    const curves = await get(dashboard.base, `/curves?run=${runIds[0]}&x=step`);
    assert.ok(new RegExp(`data-series="${runIds[0]}" data-points="\\d+" data-max-y="${spikeLoss}"`).test(curves.body), 'the curve keeps its spike');
    const zoomed = await get(dashboard.base, `/curves?run=${runIds[0]}&x=step&from=${spikeStep - 77}&to=${spikeStep + 73}`);
    assert.ok(zoomed.body.includes(`data-series="${runIds[0]}" data-points="151" data-max-y="${spikeLoss}"`), 'a zoom reads every point of its range');

    const scaling = await get(dashboard.base, '/scaling');
    for (const axis of ['params', 'paramsTotal', 'tokens', 'compute']) {
      for (const variant of ['simplified', 'regular']) {
        assert.match(scaling.body, new RegExp(`<figure class="chart" data-testid="scaling-${axis}-${variant}"><svg`), `${axis}, ${variant} is drawn`);
      }
      assert.equal([...scaling.body.matchAll(new RegExp(`data-testid="fits-table-${axis}"`, 'g'))].length, 1);
    }
    const latest = scaling.body.slice(scaling.body.indexOf('data-testid="fits-table-params"'), scaling.body.indexOf('data-testid="fits-history-params"'));
    assert.equal([...latest.matchAll(/data-fit-id=/g)].length, 4, 'the latest version of two laws per variant');
    assert.equal([...scaling.body.matchAll(/data-testid="optimal-(simplified|regular)"/g)].length, 2, 'the compute-optimal allocation of each variant');

    const corpus = (await get(dashboard.base, '/corpus')).body.replaceAll('<!-- -->', '');
    assert.match(corpus, /data-figure="OOV rate">0\.30%</, 'the corpus view reads the stats from PostgreSQL');
    const evaluations = await get(dashboard.base, '/evaluations');
    assert.equal([...evaluations.body.matchAll(/data-state="done"/g)].length, gridRuns.length * 4 - 1);
    assert.equal([...evaluations.body.matchAll(/data-state="pending"/g)].length, 1);
  });
});
