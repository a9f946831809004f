import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapInterval, mean, meanStderr } from './statistics.js';
import { sample, seededRandom, shuffled } from './random.js';

test('meanStderr is the sample standard deviation over sqrt(n)', () => {
  // [1, 2, 3, 4]: mean 2.5, sample variance 5/3.
  assert.ok(Math.abs(meanStderr([1, 2, 3, 4]) - Math.sqrt(5 / 3) / 2) < 1e-12);
  assert.ok(Number.isNaN(meanStderr([1])));
  assert.equal(mean([1, 0, 0, 1]), 0.5);
});

test('the bootstrap interval is seeded, ordered, and collapses for constant data', () => {
  const values = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const a = bootstrapInterval(values, { seed: 5, resamples: 500 });
  const b = bootstrapInterval(values, { seed: 5, resamples: 500 });
  assert.deepEqual(a, b);
  assert.ok(a.low < mean(values) && mean(values) < a.high);
  assert.notDeepEqual(bootstrapInterval(values, { seed: 6, resamples: 500 }), a);
  const constant = bootstrapInterval([1, 1, 1], { resamples: 100 });
  assert.equal(constant.low, 1);
  assert.equal(constant.high, 1);
});

test('seeded shuffles and samples repeat for a seed and keep every item', () => {
  const items = Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual(shuffled(items, seededRandom(3)), shuffled(items, seededRandom(3)));
  assert.deepEqual([...shuffled(items, seededRandom(3))].sort((x, y) => x - y), items);
  const drawn = sample(items, 5, seededRandom(9));
  assert.equal(new Set(drawn).size, 5);
});
