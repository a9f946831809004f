// End-to-end test of the built dashboard (`next build` first): a temporary SQLite database
// with one experiment and two runs, fake service health endpoints, then `next start` and
// plain HTTP requests against the pages and the health route.
/* global AbortSignal */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Experiment, MetricPoint, openDatabase, Run } from '@downscale/persistence';
import { chromium } from 'playwright-core';

const appDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(appDir, '../..');
const nextBin = join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
const startTimeoutMs = 60_000;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const experimentId = 'exp-dashboard-test';
const runIds = ['run-dashboard-test-a', 'run-dashboard-test-b'];

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

async function seed(sqlitePath) {
  const ds = await openDatabase({ sqlitePath, migrate: 'run' });
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
          grid: { hiddenSizes: [64], layers: [2, 4], variants: ['simplified'], seeds: [0] },
          tokenBudget: 100_000,
          contextLength: 128,
          tasks: [],
        },
        state: 'running',
      }),
    );
    const runs = ds.getRepository(Run);
    const run = (id, layers, paramsTotal, state, createdAt) =>
      runs.create({ id, experimentId, config: { model: { hiddenSize: 64, layers } }, hiddenSize: 64, layers, paramsTotal, paramsNonEmbedding: null, variant: 'simplified', seed: 0, state, createdAt });
    await runs.save([run(runIds[0], 2, 123_456, 'completed', new Date(Date.now() - 60_000)), run(runIds[1], 4, 234_567, 'queued', new Date())]);
    const points = ds.getRepository(MetricPoint);
    const point = (step, trainLoss, evalLoss) => points.create({ runId: runIds[0], step, tokens: step * 1_000, flopsKaplan: step * 1e9, trainLoss, evalLoss });
    await points.save([point(100, 5.5, 5.25), point(200, 4.125, 4.75), point(300, 3.875, null)]);
  } finally {
    await ds.destroy();
  }
}

/** Starts `next start` in its own process group; resolves once /api/health answers. */
async function startDashboard(env) {
  const port = await freePort();
  const childEnv = { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  delete childEnv.DATABASE_URL;
  delete childEnv.DOWNSCALE_HOME;
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

describe('dashboard (next start)', { timeout: 180_000 }, () => {
  const cleanups = [];
  let tmp;
  let healthy;
  let degraded;
  let serviceUrls;

  before(async () => {
    assert.ok(built, `no production build in ${join(appDir, '.next')}: run "npm run build" (or "npx next build" in apps/dashboard) first`);
    tmp = mkdtempSync(join(tmpdir(), 'downscale-dashboard-'));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    await seed(join(tmp, 'downscale.sqlite'));
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
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('shows service health, experiments and runs from the database', async () => {
    const dashboard = await startDashboard({ DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'), DOWNSCALE_SERVICE_URLS: serviceUrls });
    try {
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
      for (const id of runIds) assert.match(overview.body, new RegExp(`data-run-id="${id}"`));

      const runs = await get(dashboard.base, '/runs');
      assert.equal(runs.status, 200);
      for (const id of runIds) assert.match(runs.body, new RegExp(`data-run-id="${id}"`));
      assert.match(runs.body, /title="123,456 parameters">123k</, 'parameter counts are shown');
      // Run a: last step 300, its train loss 3.8750, the best eval loss 4.7500.
      assert.match(runs.body, /data-run-id="run-dashboard-test-a".*?>300<.*?>3\.8750<.*?>4\.7500</s);
      assert.match(runs.body, /completed/);
      assert.match(runs.body, /queued/);

      const filtered = await get(dashboard.base, `/runs?experiment=${experimentId}`);
      assert.equal(filtered.status, 200);
      assert.match(filtered.body, new RegExp(`data-run-id="${runIds[0]}"`));

      const elsewhere = await get(dashboard.base, '/runs?experiment=no-such-experiment');
      assert.equal(elsewhere.status, 200);
      assert.doesNotMatch(elsewhere.body, /data-run-id=/);
      assert.match(elsewhere.body, /No runs yet/);
    } finally {
      await dashboard.stop();
    }
  });

  test('in a browser, the experiment link leads to its runs', async () => {
    assert.ok(existsSync(chromiumPath), `no browser at ${chromiumPath}: install Debian's chromium (apt-get install chromium)`);
    const dashboard = await startDashboard({ DOWNSCALE_SQLITE_PATH: join(tmp, 'downscale.sqlite'), DOWNSCALE_SERVICE_URLS: serviceUrls });
    // Flags: a closed network makes Chromium's background services fail noisily.
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(dashboard.base);
      await page.getByRole('link', { name: 'dashboard test experiment' }).click();
      await page.waitForURL(`**/runs?experiment=${experimentId}`);
      const rows = page.locator('[data-run-id]');
      assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id')).sort()), [...runIds].sort());
      await page.getByRole('link', { name: 'all runs' }).click();
      await page.waitForURL(/\/runs$/);
      assert.deepEqual(pageErrors, [], 'the pages run without script errors');
    } finally {
      await browser.close();
      await dashboard.stop();
    }
  });

  test('a database it cannot use is a readable message, not a crash', async () => {
    // A folder where the SQLite file should be: the database cannot be opened.
    const dashboard = await startDashboard({ DOWNSCALE_SQLITE_PATH: tmp, DOWNSCALE_SERVICE_URLS: serviceUrls });
    try {
      const health = await get(dashboard.base, '/api/health');
      assert.equal(health.status, 503);
      const report = JSON.parse(health.body);
      assert.equal(report.status, 'degraded');
      assert.equal(report.checks.database.ok, false);
      assert.ok(report.checks.database.detail.length > 0);

      for (const path of ['/', '/runs']) {
        const page = await get(dashboard.base, path);
        assert.equal(page.status, 200, `${path}: ${dashboard.log()}`);
        assert.match(page.body, /could not be read from the database/);
        assert.match(page.body, /role="alert"/);
      }
    } finally {
      await dashboard.stop();
    }
  });
});
