import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandAt, computeOptimal, fittedPoints, frontier, latestVersions, lawCurve, type FitRow } from './scaling-view.js';

function fit(fields: Partial<FitRow>): FitRow {
  return {
    id: 'f',
    axis: 'params',
    form: 'pure-power',
    variant: 'simplified',
    version: 1,
    inputs: ['params'],
    parameters: { xc: 1e12, alpha: 0.07 },
    intervals: { xc: [5e11, 2e12], alpha: [0.06, 0.08] },
    points: [
      { x: 1e4, loss: 5, runId: 'a' },
      { x: 1e6, loss: 3.5, runId: 'b' },
    ],
    runIds: ['a', 'b'],
    r2LogSpace: 0.99,
    diagnostics: {},
    createdAt: null,
    ...fields,
  };
}

test('the band holds the law and spans every corner of the intervals', () => {
  const law = fit({});
  const [low, high] = bandAt(law, 1e5)!;
  const at = (xc: number, alpha: number) => (xc / 1e5) ** alpha;
  assert.ok(low < at(1e12, 0.07) && at(1e12, 0.07) < high);
  assert.equal(low, Math.min(at(5e11, 0.06), at(5e11, 0.08), at(2e12, 0.06), at(2e12, 0.08)));
  assert.equal(high, at(2e12, 0.08));
  assert.equal(bandAt(fit({ intervals: { xc: [null, 2e12], alpha: [0.06, 0.08] } }), 1e5), undefined, 'an unbounded interval has no band');
});

test('a stored pointwise band is used, interpolated log-log between its points, and nothing outside them', () => {
  const band = { level: 0.95, points: [{ x: 1e6, low: 2, high: 3 }, { x: 1e4, low: 3, high: 5 }, { x: 1e5, low: 2.5, high: 4 }] };
  const law = fit({ diagnostics: { band } });
  assert.deepEqual(bandAt(law, 1e5), [2.5, 4]);
  const [low, high] = bandAt(law, 10 ** 5.5)!;
  assert.ok(Math.abs(low - Math.sqrt(2.5 * 2)) < 1e-12 && Math.abs(high - Math.sqrt(4 * 3)) < 1e-12, `${low} ${high}`);
  assert.equal(bandAt(law, 1e3), undefined);
  assert.equal(bandAt(law, 2e6), undefined);
  assert.deepEqual(bandAt(fit({ diagnostics: { band: { points: [{ x: 1e4, low: 'a', high: 3 }, { x: 1e5, low: 1, high: 2 }] } } }), 1e5), bandAt(fit({}), 1e5), 'a malformed band: the box');
});

test('the curve is split where the data ends: fitted up to it, extrapolated beyond', () => {
  const { fitted, extrapolated } = lawCurve(fit({}), 1e3, 4e6, 20);
  assert.equal(fitted[0]!.x, 1e3);
  assert.equal(fitted.at(-1)!.x, 1e6);
  assert.equal(extrapolated[0]!.x, 1e6, 'the two parts meet');
  assert.ok(Math.abs(extrapolated.at(-1)!.x - 4e6) < 1e-6);
  assert.ok(fitted.every((p) => p.low! <= p.y && p.y <= p.high!));
  assert.deepEqual(lawCurve(fit({ form: 'joint-chinchilla' }), 1, 10), { fitted: [], extrapolated: [] }, 'no single-input curve for the joint law');
});

test('the latest version per axis, variant and law, and the count of versions', () => {
  const fits = [fit({ id: 'v1', version: 1 }), fit({ id: 'v3', version: 3 }), fit({ id: 'v2', version: 2 }), fit({ id: 'd', axis: 'tokens' })];
  const { latest, versions } = latestVersions(fits);
  assert.deepEqual(latest.map((f) => f.id), ['v3', 'd']);
  assert.equal(versions.get('params|simplified|pure-power'), 3);
});

test('stored diagnostics: the compute-optimal allocation or why there is none, the frontier, the fitted points', () => {
  const allocation = { compute: 1e15, N: 1e6, D: 2e7, loss: 3 };
  assert.deepEqual(computeOptimal(fit({ diagnostics: { computeOptimal: [allocation, { compute: 'x' }] } })), [allocation]);
  assert.deepEqual(computeOptimal(fit({ diagnostics: { computeOptimal: { skipped: 'needs positive exponents' } } })), { skipped: 'needs positive exponents' });
  assert.deepEqual(frontier(fit({ diagnostics: { frontier: [{ compute: 1e12, loss: 4, run: 'a' }] } })), [{ x: 1e12, loss: 4, runId: 'a' }]);
  const residuals = [
    { runId: 'b', observed: 3, predicted: 3.1, at: { tokens: 2e6 } },
    { runId: 'a', observed: 4, predicted: 4.1, at: { tokens: 1e6 } },
  ];
  assert.deepEqual(fittedPoints('tokens', residuals), [
    { x: 1e6, loss: 4, runId: 'a' },
    { x: 2e6, loss: 3, runId: 'b' },
  ]);
  assert.deepEqual(fittedPoints('params+tokens', residuals), [], 'the joint law has no single axis');
});
