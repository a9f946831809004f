import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BLAS_ENV, blasStatus, systemBlas } from './blas.js';
import { applyRotary, crossEntropy, embeddingLookup, matMul, rmsNorm, rotaryTables, silu, softmax, tf } from './index.js';
import { assertClose, assertGradientMatchesFiniteDifferences, randomValues, useBackend } from './test-support.js';

const tensor = (shape: number[], seed: number, scale = 1): tf.Tensor => tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed, scale), shape);

describe('custom-gradient ops match finite differences (cpu)', () => {
  before(() => useBackend('cpu'));

  it('matMul, both operands, 2-D and batched 3-D', () => {
    const a = tensor([3, 4], 1);
    const b = tensor([4, 2], 2);
    assertGradientMatchesFiniteDifferences((x) => matMul(x as tf.Tensor2D, b as tf.Tensor2D), a);
    assertGradientMatchesFiniteDifferences((x) => matMul(a as tf.Tensor2D, x as tf.Tensor2D), b);
    const a3 = tensor([2, 3, 4], 3);
    const b3 = tensor([2, 4, 2], 4);
    assertGradientMatchesFiniteDifferences((x) => matMul(x as tf.Tensor3D, b3 as tf.Tensor3D), a3);
    assertGradientMatchesFiniteDifferences((x) => matMul(a3 as tf.Tensor3D, x as tf.Tensor3D), b3);
  });

  it('rmsNorm, input and weight', () => {
    const x = tensor([3, 6], 5);
    const w = tensor([6], 6);
    assertGradientMatchesFiniteDifferences((input) => rmsNorm(input as tf.Tensor2D, w as tf.Tensor1D, 1e-6), x);
    assertGradientMatchesFiniteDifferences((weight) => rmsNorm(x as tf.Tensor2D, weight as tf.Tensor1D, 1e-6), w);
  });

  it('rmsNorm normalises each row to unit root-mean-square before the weight', () => {
    const out = rmsNorm(tensor([2, 8], 7, 5) as tf.Tensor2D, tf.ones([8]), 0);
    const rms = tf.sqrt(tf.mean(tf.square(out), 1)).dataSync();
    assertClose(rms, [1, 1], 1e-5, 'row rms');
  });

  it('silu, softmax and rotary embeddings', () => {
    assertGradientMatchesFiniteDifferences((x) => silu(x as tf.Tensor2D), tensor([2, 5], 8, 2));
    assertGradientMatchesFiniteDifferences((x) => softmax(x as tf.Tensor3D), tensor([2, 2, 4], 9));
    const { cos, sin } = rotaryTables(3, 4, 10_000, 1);
    const c = tf.tensor3d(cos, [3, 1, 4]);
    const s = tf.tensor3d(sin, [3, 1, 4]);
    assertGradientMatchesFiniteDifferences((x) => applyRotary(x as tf.Tensor4D, c, s), tensor([1, 3, 2, 4], 10));
  });

  it('cross-entropy value and gradient', () => {
    const logits = tensor([3, 5], 11);
    const targets = tf.tensor1d([4, 0, 4], 'int32');
    const expected = -tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, 5)), 1)).dataSync()[0]!;
    assertClose(crossEntropy(logits as tf.Tensor2D, targets).dataSync(), [expected], 1e-6, 'loss');
    assertGradientMatchesFiniteDifferences((x) => crossEntropy(x as tf.Tensor2D, targets), logits);
  });

  it('Add and Multiply gradients sum over broadcast axes; Transpose and Reshape invert', () => {
    const row = tensor([1, 4], 12);
    const grid = tensor([3, 4], 13);
    assertGradientMatchesFiniteDifferences((x) => tf.add(grid, x), row);
    assertGradientMatchesFiniteDifferences((x) => tf.mul(grid, x), row);
    assertGradientMatchesFiniteDifferences((x) => tf.mul(x, 3), grid);
    assertGradientMatchesFiniteDifferences((x) => tf.reshape(tf.transpose(tf.reshape(x, [2, 3, 2]), [2, 0, 1]), [12]), grid);
  });
});

describe('matMul on wasm, on OpenBLAS and in the backend (XNNPACK; batched: one product per entry)', () => {
  const random = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 1000 + i * 0.37));
  /** The product of [n, m, k] x [n, k, p] (n = 0: unbatched [m, k] x [k, p]), and the gradients of sum(product * dy). */
  const run = ([n, m, k, p]: [number, number, number, number]) =>
    tf.tidy(() => {
      const shape = (...dims: number[]) => (n === 0 ? dims : [n, ...dims]);
      const a = tf.tensor(random((n || 1) * m * k, 1), shape(m, k));
      const b = tf.tensor(random((n || 1) * k * p, 2), shape(k, p));
      const dy = tf.tensor(random((n || 1) * m * p, 3), shape(m, p));
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor3D, y as tf.Tensor3D), dy)))([a, b]);
      return { product: matMul(a as tf.Tensor3D, b as tf.Tensor3D).dataSync() as Float32Array, value: value.dataSync()[0]!, da: grads[0]!.dataSync() as Float32Array, db: grads[1]!.dataSync() as Float32Array };
    });
  const previous = process.env[BLAS_ENV];
  after(() => {
    if (previous === undefined) delete process.env[BLAS_ENV];
    else process.env[BLAS_ENV] = previous;
  });

  for (const path of ['OpenBLAS', 'the backend'] as const) {
    it(`gives the cpu product and gradients, on ${path}`, async () => {
      if (path === 'OpenBLAS') {
        delete process.env[BLAS_ENV];
        // CI installs it (libopenblas0-pthread); without it this path cannot be tested, and says why.
        assert.ok(systemBlas(), `OpenBLAS is not usable here: ${blasStatus()}`);
      } else {
        process.env[BLAS_ENV] = 'off';
        assert.equal(systemBlas(), null);
      }
      for (const dims of [[3, 5, 4, 6], [0, 7, 3, 5]] as [number, number, number, number][]) {
        await useBackend('cpu');
        const cpu = run(dims);
        await useBackend('wasm');
        const wasm = run(dims);
        assertClose(wasm.product, cpu.product, 1e-5, `product ${dims}`);
        assertClose(wasm.da, cpu.da, 1e-5, `d a ${dims}`);
        assertClose(wasm.db, cpu.db, 1e-5, `d b ${dims}`);
        assert.ok(Math.abs(wasm.value - cpu.value) < 1e-4);
        assert.equal(wasm.product.length, (dims[0] || 1) * dims[1] * dims[3]);
      }
    });
  }
});

describe('crossEntropy on wasm', () => {
  it('gives the cpu value and gradient, also for a row whose target probability underflows float32', async () => {
    // Row 1's target logit is 200 below its maximum: p[t] is 0 in float32, its log is not.
    const logits = [0.3, -1.2, 2.0, 0.5, 0, 0, 200, 1, 2, 3, -0.7, 0.1, 0.2, 0.4, 0.9];
    const targets = [4, 0, 2];
    const run = (): { loss: number; gradient: Float32Array } =>
      tf.tidy(() => {
        const t = tf.tensor1d(targets, 'int32');
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, t))(tf.tensor2d(logits, [3, 5]));
        return { loss: value.dataSync()[0]!, gradient: grad.dataSync() as Float32Array };
      });
    await useBackend('cpu');
    const cpu = run();
    await useBackend('wasm');
    const wasm = run();
    assert.ok(Math.abs(wasm.loss - cpu.loss) < 1e-4, `loss ${wasm.loss} vs ${cpu.loss}`);
    assertClose(wasm.gradient, cpu.gradient, 1e-6, 'wasm vs cpu gradient');
    // Row 1 alone contributes about 200 nats (-log p[0] = 200 - 0 + log(1 + e^-198 + ...)).
    assert.ok(cpu.loss > 200 / 3 && Number.isFinite(cpu.loss), `finite and large: ${cpu.loss}`);
  });
});

describe('embeddingLookup', () => {
  const ids = [3, 1, 3, 0, 3];

  function tableGradient(gradient: 'segment-sum' | 'scatter'): Float32Array {
    return tf.tidy(() => {
      const table = tensor([5, 3], 14) as tf.Tensor2D;
      const upstream = tensor([ids.length, 3], 15);
      const f = (t: tf.Tensor): tf.Scalar => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, tf.tensor1d(ids, 'int32'), gradient), upstream));
      return tf.grad(f)(table).dataSync() as Float32Array;
    });
  }

  it('looks up rows and sums the gradient of repeated ids, both ways alike (cpu)', async () => {
    await useBackend('cpu');
    const rows = embeddingLookup(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([2, 0, 2], 'int32'));
    assert.deepEqual(Array.from(rows.dataSync()), [5, 6, 1, 2, 5, 6]);
    const segmentSum = tableGradient('segment-sum');
    assertClose(tableGradient('scatter'), segmentSum, 1e-6, 'scatter vs segment-sum');
    const upstream = randomValues(ids.length * 3, 15);
    // Row 3 gathers positions 0, 2 and 4; row 2 is never looked up.
    assertClose(segmentSum.slice(9, 12), [0, 1, 2].map((c) => upstream[c]! + upstream[6 + c]! + upstream[12 + c]!), 1e-6, 'row 3');
    assertClose(segmentSum.slice(6, 9), [0, 0, 0], 0, 'row 2');
  });

  it('has a working gradient on wasm, equal to the cpu one', async () => {
    await useBackend('cpu');
    const cpu = tableGradient('segment-sum');
    await useBackend('wasm');
    assertClose(tableGradient('scatter'), cpu, 1e-6, 'wasm scatter vs cpu');
  });
});

describe('rotaryTables', () => {
  it('makes q.k depend only on the relative position (rotate-half pairing)', async () => {
    await useBackend('cpu');
    const d = 8;
    const { cos, sin } = rotaryTables(6, d, 10_000, 1);
    const c = tf.tensor3d(cos, [6, 1, d]);
    const s = tf.tensor3d(sin, [6, 1, d]);
    const same = (v: Float32Array): tf.Tensor4D => tf.tensor4d(Array.from({ length: 6 }, () => Array.from(v)).flat(), [1, 6, 1, d]);
    const q = applyRotary(same(randomValues(d, 16)), c, s).dataSync();
    const k = applyRotary(same(randomValues(d, 17)), c, s).dataSync();
    const dot = (m: number, n: number): number => Array.from({ length: d }, (_, j) => q[m * d + j]! * k[n * d + j]!).reduce((a, b) => a + b);
    assertClose([dot(3, 1), dot(4, 2)], [dot(2, 0), dot(2, 0)], 1e-5, 'q.k at distance 2');
  });

  it('divides positions by the interpolation factor', () => {
    const plain = rotaryTables(4, 4, 10_000, 1);
    const stretched = rotaryTables(8, 4, 10_000, 2);
    assertClose(stretched.cos.slice(6 * 4, 7 * 4), plain.cos.slice(3 * 4, 4 * 4), 1e-7, 'cos at 6/2 vs 3');
    assertClose(stretched.sin.slice(2 * 4, 3 * 4), plain.sin.slice(1 * 4, 2 * 4), 1e-7, 'sin at 2/2 vs 1');
    // Element j pairs with j + d/2: same angle in both halves.
    assert.deepEqual(Array.from(plain.cos.slice(4, 6)), Array.from(plain.cos.slice(6, 8)));
  });
});
