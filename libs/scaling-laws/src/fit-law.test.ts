import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLaw, parseScalingCsv, syntheticJointRuns } from './index.js';

describe('fitLaw', () => {
  it('fits the joint law with the published grid and returns its five parameters with intervals', () => {
    const truth = { E: 1.9, A: 420, B: 1800, alpha: 0.33, beta: 0.38 };
    const points = syntheticJointRuns(truth, { runs: 6, pointsPerRun: 5, noise: 0.005, seed: 4 });
    const summary = fitLaw(points, 'joint', { bootstrap: 40 });
    assert.deepEqual(Object.keys(summary).sort(), ['A', 'B', 'E', 'alpha', 'beta', 'intervals', 'r2']);
    assert.deepEqual(Object.keys(summary.intervals).sort(), ['A', 'B', 'E', 'alpha', 'beta']);
    assert.ok(Math.abs(summary.alpha - truth.alpha) < 0.05 && Math.abs(summary.E - truth.E) < 0.2, JSON.stringify(summary));
    for (const [name, [low, high]] of Object.entries(summary.intervals)) {
      const estimate = summary[name as keyof typeof truth];
      assert.ok(low <= estimate && estimate <= high, `${name} ${estimate} outside [${low}, ${high}]`);
    }
    assert.ok(summary.r2 > 0.99);
  });

  it('fits E + A / x^alpha to a C,loss CSV, with only E, A and alpha', () => {
    const lines = [1e17, 1e18, 1e19, 1e20, 1e21, 1e22].map((c) => `${c},${2 + 40 / c ** 0.05}`);
    const summary = fitLaw(parseScalingCsv(['C,loss', ...lines].join('\n'), 'C'), 'C', { bootstrap: 0 });
    assert.deepEqual(Object.keys(summary).sort(), ['A', 'E', 'alpha', 'intervals', 'r2']);
    assert.deepEqual(summary.intervals, {});
    assert.ok(Math.abs(summary.alpha - 0.05) < 1e-3, JSON.stringify(summary));
  });
});
