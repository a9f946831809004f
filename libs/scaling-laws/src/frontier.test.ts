import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeFrontier, computeOptimalAllocation, lowerEnvelope, predictJointLoss, runningBest } from './index.js';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, want ${expected}`);

describe('computeFrontier', () => {
  it('is the lower envelope of crossing curves, with the crossing point', () => {
    // In u = log10(C): run a is 3 - 0.5 (u - 1) on [1, 2], run b is 3.5 - 1.3 (u - 1) there;
    // they cross where 0.8 (u - 1) = 0.5, at u = 1.625, loss 2.6875.
    const frontier = computeFrontier([
      { run: 'a', points: [{ compute: 10, loss: 3 }, { compute: 1, loss: 4 }, { compute: 100, loss: 2.5 }] },
      { run: 'b', points: [{ compute: 10, loss: 3.5 }, { compute: 100, loss: 2.2 }, { compute: 1000, loss: 2 }] },
    ]);
    const expected = [
      { compute: 1, loss: 4, run: 'a' },
      { compute: 10, loss: 3, run: 'a' },
      { compute: 10 ** 1.625, loss: 2.6875, run: 'b' },
      { compute: 100, loss: 2.2, run: 'b' },
      { compute: 1000, loss: 2, run: 'b' },
    ];
    assert.equal(frontier.length, expected.length, JSON.stringify(frontier));
    expected.forEach((want, i) => {
      const got = frontier[i];
      assert.equal(got?.run, want.run, `point ${i}`);
      close(got?.compute as number, want.compute, `compute ${i}`);
      close(got?.loss as number, want.loss, `loss ${i}`);
    });
  });

  it('keeps a lower single-point run and a dominated run never appears', () => {
    const frontier = computeFrontier([
      { run: 'low', points: [{ compute: 1, loss: 3 }, { compute: 100, loss: 2 }] },
      { run: 'high', points: [{ compute: 1, loss: 3.5 }, { compute: 100, loss: 2.5 }] },
      { run: 'dot', points: [{ compute: 10, loss: 2.1 }] },
    ]);
    assert.deepEqual(frontier.map((p) => p.run), ['low', 'dot', 'low']);
    close(frontier[1]?.loss as number, 2.1, 'single point');
  });

  it('refuses a non-positive compute, naming the run', () => {
    assert.throws(() => computeFrontier([{ run: 'x', points: [{ compute: 0, loss: 1 }] }]), /run x: the scale must be positive/);
  });
});

describe('computeOptimalAllocation', () => {
  const fit = { E: 1.817, A: 478, B: 2144, alpha: 0.347, beta: 0.367 };

  it('spends the budget (C = 6 N D) at the loss minimum along it', () => {
    for (const compute of [1e18, 1e21, 1e24]) {
      const { N, D, loss } = computeOptimalAllocation(fit, compute);
      close(6 * N * D, compute, 'budget');
      close(loss, predictJointLoss(fit, N, D), 'loss');
      for (const factor of [1.05, 1 / 1.05]) {
        assert.ok(predictJointLoss(fit, N * factor, D / factor) > loss, `moving N by ${factor} at C=${compute} lowers the loss`);
      }
    }
  });

  it('grows N as C^(beta / (alpha + beta))', () => {
    const ratio = computeOptimalAllocation(fit, 1e22).N / computeOptimalAllocation(fit, 1e21).N;
    close(Math.log10(ratio), fit.beta / (fit.alpha + fit.beta), 'exponent');
  });

  it('refuses a fit without positive exponents', () => {
    assert.throws(() => computeOptimalAllocation({ ...fit, alpha: 0 }, 1e20), /positive exponents/);
  });
});

describe('runningBest', () => {
  it('keeps the envelope points that beat all before them, so the frontier never climbs where runs do not overlap', () => {
    // A small run ends at x = 10 with loss 3; a larger one starts later, higher, and ends lower.
    const envelope = lowerEnvelope([
      { run: 'small', points: [{ x: 1, loss: 5 }, { x: 10, loss: 3 }] },
      { run: 'large', points: [{ x: 20, loss: 4 }, { x: 100, loss: 2.5 }, { x: 1000, loss: 2 }] },
    ]);
    assert.ok(envelope.some((p, i) => i > 0 && p.loss > envelope[i - 1]!.loss), 'the raw envelope climbs at x = 20');
    const best = runningBest(envelope);
    // x goes through exp(log x): equal to about 1e-15.
    assert.deepEqual(best.map((p) => [Number(p.x.toPrecision(12)), p.loss, p.run]), [[1, 5, 'small'], [10, 3, 'small'], [100, 2.5, 'large'], [1000, 2, 'large']]);
  });
});
