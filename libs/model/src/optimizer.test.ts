import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AdamW, tf, type ParameterSpec } from './index.js';
import { assertClose, useBackend } from './test-support.js';

describe('AdamW', () => {
  before(() => useBackend('cpu'));

  it('follows torch.optim.AdamW for two steps, decaying only the matrices', () => {
    const specs: ParameterSpec[] = [
      { name: 'matrix', shape: [2], linear: true, decay: true, init: 'normal' },
      { name: 'norm', shape: [2], linear: false, decay: false, init: 'ones' },
    ];
    const start = [0.5, -1];
    const parameters = new Map(specs.map((spec) => [spec.name, tf.variable(tf.tensor1d(start))]));
    const options = { beta1: 0.9, beta2: 0.95, epsilon: 1e-4, weightDecay: 0.1 };
    const optimizer = new AdamW(specs, parameters, options);
    const gradients = [[0.2, -0.4], [0.1, 0.3]];
    const lr = 0.01;
    // Reference in float64, written from the PyTorch algorithm.
    const reference = (decay: boolean): number[] => {
      const p = [...start];
      const m = [0, 0];
      const v = [0, 0];
      gradients.forEach((g, index) => {
        const t = index + 1;
        for (let i = 0; i < 2; i++) {
          if (decay) p[i]! *= 1 - lr * options.weightDecay;
          m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
          v[i] = 0.95 * v[i]! + 0.05 * g[i]! ** 2;
          const denominator = Math.sqrt(v[i]!) / Math.sqrt(1 - 0.95 ** t) + options.epsilon;
          p[i]! -= (lr / (1 - 0.9 ** t)) * (m[i]! / denominator);
        }
      });
      return p;
    };
    for (const g of gradients) {
      tf.tidy(() => optimizer.apply(new Map(specs.map((spec) => [spec.name, tf.tensor1d(g)])), lr));
    }
    assertClose(parameters.get('matrix')!.dataSync(), reference(true), 1e-6, 'decayed');
    assertClose(parameters.get('norm')!.dataSync(), reference(false), 1e-6, 'not decayed');
    assert.notDeepEqual(reference(true), reference(false));
    assert.equal(optimizer.step, 2);
    const state = optimizer.state();
    assertClose(state.firstMoments.get('norm')!, [0.9 * 0.02 + 0.01, 0.9 * -0.04 + 0.03], 1e-6, 'first moment');
    optimizer.dispose();
    tf.dispose([...parameters.values()]);
  });
});
