import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimizeLbfgs, type Objective } from './index.js';

const rosenbrock: Objective = (x, gradient) => {
  let value = 0;
  gradient.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    value += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    gradient[i] = (gradient[i] as number) - 400 * a * (b - a * a) - 2 * (1 - a);
    gradient[i + 1] = (gradient[i + 1] as number) + 200 * (b - a * a);
  }
  return value;
};

describe('minimizeLbfgs', () => {
  it('finds the minimum of the 2-D Rosenbrock function from the classic start', () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1]);
    assert.equal(result.converged, true, result.reason);
    for (const value of result.x) assert.ok(Math.abs(value - 1) < 1e-6, `x = ${[...result.x]}`);
    assert.ok(result.value < 1e-12);
  });

  it('finds the minimum of the 10-D Rosenbrock function', () => {
    const result = minimizeLbfgs(rosenbrock, new Float64Array(10).fill(-1).map((v, i) => v + 0.1 * i));
    assert.equal(result.converged, true, result.reason);
    for (const value of result.x) assert.ok(Math.abs(value - 1) < 1e-5, `x = ${[...result.x]}`);
  });

  it('solves an ill-conditioned quadratic to its exact minimiser', () => {
    // f = sum_i c_i (x_i - t_i)^2 / 2 with condition number 1e6.
    const curvatures = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
    const target = [3, -2, 0.5, 7, -1, 0.25, 4];
    const quadratic: Objective = (x, gradient) => {
      let value = 0;
      curvatures.forEach((c, i) => {
        const d = (x[i] as number) - (target[i] as number);
        value += (c * d * d) / 2;
        gradient[i] = c * d;
      });
      return value;
    };
    const result = minimizeLbfgs(quadratic, new Float64Array(7));
    assert.equal(result.converged, true, result.reason);
    target.forEach((t, i) => assert.ok(Math.abs((result.x[i] as number) - t) < 1e-6, `x_${i} = ${result.x[i]}, want ${t}`));
  });

  it('backs off from steps that leave the domain (non-finite values)', () => {
    // f = x - log x: minimum at 1; a full first step from 5 lands on x <= 0, where f is not finite.
    const barrier: Objective = (x, gradient) => {
      const v = x[0] as number;
      gradient[0] = 1 - 1 / v;
      return v > 0 ? v - Math.log(v) : Number.NaN;
    };
    const result = minimizeLbfgs(barrier, [40]);
    assert.equal(result.converged, true, result.reason);
    assert.ok(Math.abs((result.x[0] as number) - 1) < 1e-6, `x = ${result.x[0]}`);
  });

  it('reports a start where the objective is not finite instead of throwing', () => {
    const result = minimizeLbfgs(() => Number.POSITIVE_INFINITY, [0]);
    assert.equal(result.converged, false);
    assert.equal(result.reason, 'line-search');
  });

  it('counts a search stalled by rounding at a tiny gradient as converged', () => {
    // f = cosh(d) - 1 + d^4 (d = x - 1) rounded to 1e-14: once f rounds to 0 no step can lower it.
    const rounded: Objective = (x, gradient) => {
      const d = (x[0] as number) - 1;
      gradient[0] = Math.sinh(d) + 4 * d ** 3;
      return Math.round((Math.cosh(d) - 1 + d ** 4) * 1e14) / 1e14;
    };
    const result = minimizeLbfgs(rounded, [0.3], { functionTolerance: 0 });
    assert.equal(result.reason, 'line-search');
    assert.equal(result.converged, true);
    assert.ok(Math.abs((result.x[0] as number) - 1) < 1e-6);
    assert.equal(minimizeLbfgs(rounded, [0.3], { functionTolerance: 0, stalledGradientTolerance: 0 }).converged, false);
  });

  it('stops at the iteration limit and says so', () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    assert.equal(result.converged, false);
    assert.equal(result.reason, 'max-iterations');
    assert.equal(result.iterations, 3);
  });
});
