import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bootstrapFit,
  fitLogSpace,
  fitModel,
  gridOfStarts,
  groupByRun,
  heldOutExtrapolation,
  jointLaw,
  purePowerLaw,
  saturatingLaw,
  seededRandom,
  syntheticJointRuns,
  toLogSpace,
  type JointLawParameters,
} from './index.js';

// A coarse grid (243 starts instead of the published 4,500) keeps these tests fast; the
// published grid is exercised by fit-law.test.ts and the Chinchilla dev check.
const coarseStarts = gridOfStarts([[0, 6, 12], [0, 0.5, 1], [0, 6, 12], [0, 0.5, 1], [-1, 0, 1]]);
const names = ['E', 'A', 'B', 'alpha', 'beta'] as const;

function randomTruth(seed: number): JointLawParameters {
  const random = seededRandom(seed);
  const between = (low: number, high: number): number => low + (high - low) * random.next();
  return {
    E: between(1.5, 2.5),
    A: Math.exp(between(Math.log(100), Math.log(1000))),
    B: Math.exp(between(Math.log(500), Math.log(5000))),
    alpha: between(0.25, 0.5),
    beta: between(0.25, 0.5),
  };
}

describe('joint law fit', () => {
  it('recovers the parameters exactly from noise-free data', () => {
    const truth = randomTruth(11);
    const fit = fitModel(jointLaw, syntheticJointRuns(truth, { noise: 0 }), { starts: coarseStarts });
    assert.equal(fit.converged, true);
    for (const name of names) {
      const relative = Math.abs(fit.parameters[name] - truth[name]) / truth[name];
      assert.ok(relative < 1e-4, `${name}: fitted ${fit.parameters[name]}, true ${truth[name]}`);
    }
    assert.ok(fit.r2 > 0.999999);
    assert.ok(fit.residuals.every((r) => Math.abs(r) < 1e-6));
  });

  it('covers the true parameters with its bootstrap intervals across random parameter sets', () => {
    // 95% intervals: over 4 sets x 5 parameters, expect about 19 of 20 covered; demand 17.
    let covered = 0;
    const misses: string[] = [];
    for (let set = 0; set < 4; set++) {
      const truth = randomTruth(100 + set);
      const points = syntheticJointRuns(truth, { noise: 0.01, seed: 200 + set });
      const fit = fitModel(jointLaw, points, { starts: coarseStarts });
      const bootstrap = bootstrapFit(jointLaw, points, fit, { resamples: 150, seed: set });
      assert.equal(bootstrap.groups, 10, 'resampled by run');
      for (const name of names) {
        const [low, high] = bootstrap.intervals[name];
        assert.ok(low <= fit.parameters[name] && fit.parameters[name] <= high, `${name}: estimate outside its own interval`);
        if (low <= truth[name] && truth[name] <= high) covered++;
        else misses.push(`set ${set} ${name}: true ${truth[name]} outside [${low}, ${high}]`);
      }
    }
    assert.ok(covered >= 17, `covered ${covered} of 20: ${misses.join('; ')}`);
  });

  it('reaches the grid optimum from warm starts on resampled data', () => {
    const truth = randomTruth(31);
    const points = syntheticJointRuns(truth, { noise: 0.02, seed: 32 });
    const data = toLogSpace(jointLaw, points);
    const full = fitLogSpace(jointLaw, data, { starts: coarseStarts });
    const random = seededRandom(33);
    for (let r = 0; r < 4; r++) {
      const weights = new Float64Array(points.length);
      const groups = groupByRun(points);
      for (let g = 0; g < groups.length; g++) {
        for (const i of groups[random.integer(groups.length)] as number[]) weights[i] = (weights[i] as number) + 1;
      }
      const warm = fitLogSpace(jointLaw, { ...data, weights }, { starts: full.optima });
      const grid = fitLogSpace(jointLaw, { ...data, weights }, { starts: coarseStarts });
      assert.ok(warm.objective <= grid.objective * (1 + 1e-9), `resample ${r}: warm ${warm.objective}, grid ${grid.objective}`);
    }
  });

  it('gives wider intervals with more noise', () => {
    const truth = randomTruth(5);
    const width = (noise: number): number => {
      const points = syntheticJointRuns(truth, { noise, seed: 9 });
      const fit = fitModel(jointLaw, points, { starts: coarseStarts });
      const [low, high] = bootstrapFit(jointLaw, points, fit, { resamples: 60 }).intervals.alpha;
      return high - low;
    };
    assert.ok(width(0.03) > 2 * width(0.003));
  });
});

describe('single-variable laws', () => {
  const xs = Array.from({ length: 12 }, (_, i) => 1e6 * 2 ** i);

  it('fits E + A / x^alpha exactly on noise-free data', () => {
    const truth = { E: 2.1, A: 310, alpha: 0.42 };
    const points = xs.map((x) => ({ x, loss: truth.E + truth.A / x ** truth.alpha }));
    const fit = fitModel(saturatingLaw, points);
    for (const name of ['E', 'A', 'alpha'] as const) {
      assert.ok(Math.abs(fit.parameters[name] - truth[name]) / truth[name] < 1e-4, `${name}: ${fit.parameters[name]}`);
    }
  });

  it('fits (x_c / x)^alpha exactly on noise-free data and resists an outlier', () => {
    const truth = { xc: 8.8e13, alpha: 0.076 };
    const points = xs.map((x) => ({ x, loss: (truth.xc / x) ** truth.alpha }));
    const clean = fitModel(purePowerLaw, points);
    assert.ok(Math.abs(clean.parameters.alpha - truth.alpha) < 1e-6);
    assert.ok(Math.abs(clean.parameters.xc - truth.xc) / truth.xc < 1e-4);
    // The Huber loss keeps a 30% outlier from dragging the exponent far.
    const spoiled = points.map((p, i) => (i === 5 ? { ...p, loss: p.loss * 1.3 } : p));
    assert.ok(Math.abs(fitModel(purePowerLaw, spoiled).parameters.alpha - truth.alpha) < 0.002);
  });

  it('reports R^2 below 1 and the residuals of noisy data', () => {
    const random = seededRandom(3);
    const points = xs.map((x) => ({ x, loss: 2 + 300 / x ** 0.4 * Math.exp(0.02 * random.normal()) }));
    const fit = fitModel(saturatingLaw, points);
    assert.ok(fit.r2 > 0.5 && fit.r2 < 1);
    assert.equal(fit.residuals.length, points.length);
  });

  it('refuses non-positive inputs, naming the point', () => {
    assert.throws(() => fitModel(saturatingLaw, [...xs.map((x) => ({ x, loss: 3 })), { x: 0, loss: 2 }]), /point 13: every scale value/);
    assert.throws(() => fitModel(saturatingLaw, [{ x: 1, loss: 2 }]), /needs at least 3 points/);
  });
});

describe('held-out extrapolation', () => {
  it('predicts the largest run exactly from noise-free smaller runs', () => {
    const truth = randomTruth(21);
    const result = heldOutExtrapolation(jointLaw, syntheticJointRuns(truth, { noise: 0 }), { fit: { starts: coarseStarts } });
    assert.equal(result.trainingPoints, 90);
    assert.equal(result.predictions.length, 10);
    assert.ok(result.maxAbsoluteRelativeError < 1e-5, `error ${result.maxAbsoluteRelativeError}`);
  });

  it('reports the error of a law that cannot extrapolate', () => {
    // A pure power law in N fitted to losses that flatten towards E over-predicts the drop.
    const points = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9].map((x, i) => ({ x, loss: 1.8 + 400 / x ** 0.35, run: `r${i}` }));
    const result = heldOutExtrapolation(purePowerLaw, points);
    assert.equal(result.predictions.length, 1);
    assert.ok((result.predictions[0]?.relativeError as number) < -0.005, JSON.stringify(result.predictions));
  });
});
