import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitPlanned, planLossFits, predictJointLoss, seededRandom, UndeterminedLawError, type RunLossCurve } from './index.js';

// Runs that follow a known joint law, each evaluated at four token counts, with 0.5% noise (noise: 0 for exact points).
const truth = { E: 1.8, A: 400, B: 2000, alpha: 0.34, beta: 0.28 };
const tokenCounts = [1e8, 1e9, 1e10, 3e10];
const runs = (sizes: number[], noise = 0.005): RunLossCurve[] => {
  const random = seededRandom(7);
  return sizes.map((N, r) => ({
    run: `run-${r}`,
    params: N,
    paramsTotal: N + 5e6,
    points: tokenCounts.map((D) => ({ tokens: D, compute: 6 * N * D, loss: predictJointLoss(truth, N, D) * Math.exp(noise * random.normal()) })),
  }));
};
const settings = { resamples: 40, seed: 0, level: 0.95, heldOutRuns: 1 };

describe('planLossFits', () => {
  it('plans every law on five sizes, and says why nothing is fitted on two', () => {
    const { planned, skipped } = planLossFits(runs([1e6, 3e6, 1e7, 3e7, 1e8]));
    assert.deepEqual(skipped, []);
    assert.deepEqual(
      planned.map((p) => `${p.axis} ${p.form}`),
      ['params', 'paramsTotal', 'tokens', 'compute'].flatMap((axis) => [`${axis} pure-power`, `${axis} power-plus-constant`]).concat('params+tokens joint-chinchilla'),
    );
    const few = planLossFits(runs([1e6, 1e7]));
    assert.equal(few.planned.length, 0);
    assert.ok(few.skipped.includes('pure-power of loss vs params needs completed runs of 3 model sizes, has 2'), few.skipped.join('\n'));
    assert.ok(few.skipped.some((s) => /^joint-chinchilla L\(N, D\) needs 4 model sizes, 3 token counts and 10 points, has 2, 4 and 8$/.test(s)), few.skipped.join('\n'));
  });

  it('uses each run\'s final loss against N, and the lower envelope against compute', () => {
    const { planned } = planLossFits(runs([1e6, 3e6, 1e7], 0));
    const params = planned.find((p) => p.axis === 'params')!;
    assert.deepEqual(params.points.map((p) => p.loss), [1e6, 3e6, 1e7].map((N) => predictJointLoss(truth, N, 3e10)));
    const compute = planned.find((p) => p.axis === 'compute');
    assert.ok(compute?.kind === 'single' && compute.frontier);
    // Small models lead at low compute, the largest at the most: the frontier passes through several runs.
    assert.ok(new Set(compute.frontier.map((p) => p.run)).size >= 2);
  });
});

describe('fitPlanned', () => {
  it('stores a pointwise bootstrap band of a single-variable law, narrower than the box of its parameter intervals, widening beyond the data', () => {
    const sizes = [1e6, 3e6, 1e7, 3e7, 1e8];
    const plan = planLossFits(runs(sizes)).planned.find((p) => p.axis === 'params' && p.form === 'power-plus-constant')!;
    const report = fitPlanned(plan, settings);
    const band = report.diagnostics['band'] as { level: number; points: { x: number; low: number; high: number }[] };
    assert.equal(band.level, 0.95);
    assert.equal(band.points.length, 41);
    assert.ok(Math.abs(band.points[0]!.x / 1e5 - 1) < 1e-9 && Math.abs(band.points.at(-1)!.x / 1e10 - 1) < 1e-9, 'from a tenth of the smallest N to 100 times the largest');
    const { E, A, alpha } = report.parameters as { E: number; A: number; alpha: number };
    const fitted = (x: number) => E + A / x ** alpha;
    for (const { x, low, high } of band.points.filter((p) => p.x >= 1e6 && p.x <= 1e8)) assert.ok(low <= fitted(x) && fitted(x) <= high, `band [${low}, ${high}] misses the fit ${fitted(x)} at ${x}`);
    const width = (x: number) => {
      const point = band.points.reduce((best, p) => (Math.abs(Math.log(p.x / x)) < Math.abs(Math.log(best.x / x)) ? p : best));
      return point.high - point.low;
    };
    assert.ok(width(1e10) > width(1e7), `wider beyond the data: ${width(1e10)} vs ${width(1e7)}`);
    // The box of the parameters' intervals, as a chart without stored samples would draw it.
    const corners = [0, 1].flatMap((e) => [0, 1].flatMap((a) => [0, 1].map((k) => report.intervals['E']![e]! + report.intervals['A']![a]! / 1e10 ** report.intervals['alpha']![k]!)));
    assert.ok(width(1e10) < Math.max(...corners) - Math.min(...corners), `pointwise ${width(1e10)} vs box ${Math.max(...corners) - Math.min(...corners)}`);
    const joint = fitPlanned(planLossFits(runs(sizes)).planned.find((p) => p.kind === 'joint')!, settings);
    assert.equal(joint.diagnostics['band'], undefined, 'the joint law has no single x');
  });

  it('recovers the joint law within its intervals, checks the extrapolation and derives N_opt(C)', () => {
    const joint = planLossFits(runs([1e6, 3e6, 1e7, 3e7, 1e8])).planned.find((p) => p.kind === 'joint')!;
    const report = fitPlanned(joint, settings);
    for (const name of ['E', 'alpha', 'beta']) {
      const [low, high] = report.intervals[name]!;
      assert.ok(low <= truth[name as keyof typeof truth] && truth[name as keyof typeof truth] <= high, `${name} ${JSON.stringify(report.intervals)}`);
    }
    assert.ok((report.diagnostics['r2LogSpace'] as number) > 0.99);
    assert.equal((report.diagnostics['bootstrap'] as { over: string }).over, 'runs');
    const extrapolation = report.diagnostics['heldOutExtrapolation'] as { meanAbsoluteRelativeError: number };
    assert.ok(extrapolation.meanAbsoluteRelativeError < 0.02, JSON.stringify(extrapolation));
    const optimal = report.diagnostics['computeOptimal'] as { compute: number; N: number; D: number }[];
    assert.equal(optimal.length, 6);
    assert.ok(optimal.every((p) => Math.abs(6 * p.N * p.D - p.compute) < 1e-6 * p.compute));
    assert.equal(report.residuals.length, 20);
    assert.deepEqual(report.residuals[0]!.at, { params: 1e6, tokens: 1e8 });
  });

  it('reports why the extrapolation is not checked when the smaller runs alone are too few', () => {
    const plan = planLossFits(runs([1e6, 3e6, 1e7, 3e7])).planned.find((p) => p.axis === 'params' && p.form === 'power-plus-constant')!;
    const report = fitPlanned(plan, settings);
    assert.deepEqual(report.diagnostics['heldOutExtrapolation'], { heldOutRuns: 1, skipped: 'without the largest run(s) the law needs 4 distinct model sizes, has 3' });
  });

  it('refuses a law whose fitted A is not a finite number, saying why, instead of storing Infinity', () => {
    // Loss = 2 + (N0 / N)^60 over 6% of size: the exponent is 60 and A = N0^60 overflows float64.
    const N0 = 1e15;
    const steep = [1, 1.02, 1.04, 1.06].map((f, r) => ({ run: `r${r}`, params: N0 * f, paramsTotal: N0 * f, points: [{ tokens: 1e9, compute: 6e9 * N0 * f, loss: 2 + (1 / f) ** 60 }] }));
    const plan = planLossFits(steep).planned.find((p) => p.axis === 'params' && p.form === 'power-plus-constant')!;
    assert.throws(() => fitPlanned(plan, settings), (error: unknown) => error instanceof UndeterminedLawError && /^params power-plus-constant: no finite value for A \(E=.*A=Infinity, alpha=60\.\d+\)/.test(error.message));
  });
});
