import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { huber, huberDerivative, huberObjective, type PowerLawShape } from './index.js';

describe('huber', () => {
  it('is quadratic inside delta and linear outside, continuously', () => {
    assert.equal(huber(0.5e-3, 1e-3), 0.125e-6);
    assert.equal(huber(-3e-3, 1e-3), 1e-3 * (3e-3 - 0.5e-3));
    assert.ok(Math.abs(huber(1e-3 + 1e-12, 1e-3) - huber(1e-3, 1e-3)) < 1e-14);
    assert.equal(huberDerivative(5, 1e-3), 1e-3);
    assert.equal(huberDerivative(-5, 1e-3), -1e-3);
    assert.equal(huberDerivative(2e-4, 1e-3), 2e-4);
  });
});

describe('huberObjective gradient', () => {
  const logN = Float64Array.from([17, 18.5, 20, 21, 22.3, 19.1]);
  const logD = Float64Array.from([20, 21.5, 22, 23.4, 24, 25]);
  const logLoss = Float64Array.from([1.2, 1.05, 0.95, 0.85, 0.8, 0.82]);
  const cases: { name: string; shape: PowerLawShape; at: number[]; inputs: Float64Array[] }[] = [
    { name: 'joint law', shape: { terms: 2, withConstant: true }, at: [6.1, 0.34, 7.6, 0.36, 0.6], inputs: [logN, logD] },
    { name: 'E + A / x^alpha', shape: { terms: 1, withConstant: true }, at: [4, 0.2, 0.3], inputs: [logN] },
    { name: 'pure power law', shape: { terms: 1, withConstant: false }, at: [2.5, 0.081], inputs: [logN] },
  ];
  for (const { name, shape, at, inputs } of cases) {
    for (const weights of [undefined, Float64Array.from([2, 0, 1, 3, 1, 1])]) {
      it(`matches central finite differences (${name}, ${weights ? 'weighted' : 'unweighted'})`, () => {
        // delta 0.05 puts some residuals on each side of the kink, where both branches are smooth.
        const objective = huberObjective(shape, { logInputs: inputs, logLoss, ...(weights ? { weights } : {}) }, 0.05);
        const gradient = new Float64Array(at.length);
        objective(Float64Array.from(at), gradient);
        const scratch = new Float64Array(at.length);
        at.forEach((_, k) => {
          const h = 1e-6;
          const plus = Float64Array.from(at);
          const minus = Float64Array.from(at);
          plus[k] = (plus[k] as number) + h;
          minus[k] = (minus[k] as number) - h;
          const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
          const analytic = gradient[k] as number;
          assert.ok(Math.abs(numeric - analytic) <= 1e-6 * Math.max(1, Math.abs(numeric)), `d/dp${k}: analytic ${analytic}, numeric ${numeric}`);
        });
      });
    }
  }
});
