import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Experiment, openDatabase, ScalingFit } from '@downscale/persistence';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const downscale = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });

describe('downscale fit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-fit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fits a CSV of N,loss and prints only that law\'s parameters as JSON', () => {
    // L(N) = 2 + 300 / N^0.25 at six sizes, with ±0.2% alternating noise.
    const rows = [1e5, 3e5, 1e6, 3e6, 1e7, 3e7].map((n, i) => `${n},${(2 + 300 / n ** 0.25) * (i % 2 ? 1.002 : 0.998)}`);
    writeFileSync(join(dir, 'points.csv'), `N,loss\n${rows.join('\n')}\n`);
    const run = downscale('fit', '--input', join(dir, 'points.csv'), '--law', 'N', '--bootstrap', '50', '--json');
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { E: number; A: number; alpha: number; intervals: Record<string, [number, number]>; r2: number };
    assert.deepEqual(Object.keys(result).sort(), ['A', 'E', 'alpha', 'intervals', 'r2']);
    assert.ok(Math.abs(result.alpha - 0.25) < 0.05, JSON.stringify(result));
    assert.ok(Math.abs(result.E - 2) < 0.3, JSON.stringify(result));
    assert.ok(result.r2 > 0.99);
    assert.ok(result.intervals['alpha']![0] < result.alpha && result.alpha < result.intervals['alpha']![1]);
  });

  it('names the line and column of a bad value, and an unknown law', () => {
    writeFileSync(join(dir, 'bad.csv'), 'N,loss\n1e6,3.1\n2e6,oops\n');
    const bad = downscale('fit', '--input', join(dir, 'bad.csv'), '--law', 'N');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /line 3, column loss: "oops" is not a positive number/);
    const law = downscale('fit', '--input', join(dir, 'bad.csv'), '--law', 'kaplan');
    assert.match(law.stderr, /--law "kaplan" is not a law: use one of joint, C, N, D/);
  });

  it('shows an experiment\'s latest fits per variant and axis with intervals and the previous version, and compares two versions', async () => {
    const home = join(dir, 'home');
    const db = await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'run' });
    try {
      await db.getRepository(Experiment).save(db.getRepository(Experiment).create({ id: 'exp-1', name: 'e', preset: 'custom', spec: {} as never, state: 'running' }));
      const fit = (version: number, alpha: number, axis = 'params', diagnostics: Record<string, unknown> = {}) =>
        db.getRepository(ScalingFit).create({
          experimentId: 'exp-1', axis, form: 'pure-power', variant: 'simplified', version, inputs: [axis],
          parameters: { xc: 1e9, alpha }, intervals: { alpha: [alpha - 0.01, alpha + 0.01] }, residuals: [], runIds: ['a', 'b', 'c', ...(version > 1 ? ['d'] : [])],
          diagnostics: { r2LogSpace: 0.995, heldOutExtrapolation: { meanAbsoluteRelativeError: 0.0123 }, ...diagnostics }, inputHash: `${axis}${version}`.padEnd(64, '0'),
        });
      const frontier = [{ compute: 1e12, loss: 5, run: 'a' }, { compute: 1e14, loss: 3.5, run: 'c' }];
      await db.getRepository(ScalingFit).save([fit(1, 0.2), fit(2, 0.25), fit(1, 0.05, 'compute', { frontier })]);
    } finally {
      await db.destroy();
    }
    const run = downscale('fit', '--experiment', 'exp-1', '--home', home);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^simplified: loss vs non-embedding parameters N \(final eval loss of each run\)\n {2}pure-power \(version 2, 4 runs, R² 0\.9950 in log space, largest run predicted within 1\.23%\)/);
    assert.match(run.stdout, /alpha\s+0\.2500\s+95% \[0\.2400, 0\.2600\]\s+\(v1: 0\.2000\)/);
    assert.match(run.stdout, /simplified: loss vs compute C in FLOPs[^\n]*\n {2}pure-power \(version 1, 3 runs/);
    assert.match(run.stdout, /frontier: 2 points, loss 5\.0000 at C 1\.000e\+12 to 3\.5000 at C 1\.000e\+14, via 2 runs/);

    const diff = downscale('fit', '--experiment', 'exp-1', '--home', home, '--diff', '1', '2');
    assert.equal(diff.status, 0, diff.stderr);
    assert.equal(
      diff.stdout,
      [
        'simplified, loss vs params, pure-power: v1 → v2',
        '  runs 3 → 4 (+d)',
        '  fit  R² 0.9950 in log space, largest run predicted within 1.23% → R² 0.9950 in log space, largest run predicted within 1.23%',
        '  xc     1.000e+9 → 1.000e+9 (+0.0000)',
        "  alpha  0.2000 → 0.2500 (+0.0500, outside v1's 95% interval)",
        '',
      ].join('\n'),
    );
    const bad = downscale('fit', '--experiment', 'exp-1', '--home', home, '--diff', '1');
    assert.match(bad.stderr, /--diff 1: give two version numbers/);
  });

  it('says what failed when a refit cannot reach NATS', () => {
    const run = downscale('fit', '--experiment', 'exp-1', '--home', join(dir, 'home'), '--refit', '--nats-url', 'nats://127.0.0.1:1');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /127\.0\.0\.1:1/);
  });
});
