// Helpers shared by this library's tests (not exported from index.ts).
import assert from 'node:assert/strict';
import { selectBackend } from './backend.js';
import { resolveModelConfig, type ModelConfig } from './config.js';
import { Rng } from './rng.js';
import { tf } from './tf.js';

/** The tiny configuration every test trains: h=16, 2 layers, 2 heads, vocabulary 50, context 8. */
export const TINY: ModelConfig = resolveModelConfig({ hiddenSize: 16, numLayers: 2, numHeads: 2, vocabSize: 50, contextLength: 8 });

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  assert.equal(await selectBackend(name), name);
}

export function randomValues(count: number, seed: number, scale = 1): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: count }, () => scale * rng.nextNormal());
}

export function randomTokens(count: number, vocab: number, seed: number): Int32Array {
  const rng = Rng.fromSeed(seed);
  return Int32Array.from({ length: count }, () => rng.nextInt(vocab));
}

/**
 * Checks d/dx of sum(f(x) * probe) against central differences, element by element
 * (float32: keep inputs small and of order 1).
 */
export function assertGradientMatchesFiniteDifferences(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  tolerance = 2e-3,
  eps = 1e-2,
): void {
  tf.tidy(() => {
    const probe = tf.tensor(randomValues(f(x).size, 99), f(x).shape);
    const objective = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(f(input), probe));
    const analytic = tf.grad(objective)(x).dataSync();
    const base = x.dataSync();
    for (let i = 0; i < base.length; i++) {
      const shifted = (delta: number): number => {
        const values = Float32Array.from(base);
        values[i] = (values[i] ?? 0) + delta;
        return objective(tf.tensor(values, x.shape)).dataSync()[0] ?? Number.NaN;
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      const got = analytic[i] ?? Number.NaN;
      assert.ok(
        Math.abs(got - numeric) <= tolerance * Math.max(1, Math.abs(numeric)),
        `element ${i}: analytic gradient ${got} vs finite difference ${numeric}`,
      );
    }
  });
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const e = expected[i] ?? Number.NaN;
    assert.ok(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  }
}
