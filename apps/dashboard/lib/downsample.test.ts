import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsampleMinMax, type XY } from './downsample.js';

const flat = (n: number, y = 3): XY[] => Array.from({ length: n }, (_, i) => ({ x: i + 1, y }));

test('a single spike among 10,000 points survives downsampling to 100 buckets', () => {
  const points = flat(10_000);
  points[6_789] = { x: 6_790, y: 42 };
  const out = downsampleMinMax(points, 100);
  assert.ok(out.length <= 400, `at most 4 points per bucket, got ${out.length}`);
  assert.deepEqual(
    out.filter((p) => p.y === 42),
    [{ x: 6_790, y: 42 }],
  );
});

test('a single dip survives too, and so do the first and the last point', () => {
  const points = flat(5_000);
  points[1_234] = { x: 1_235, y: -1 };
  const out = downsampleMinMax(points, 50);
  assert.ok(out.some((p) => p.x === 1_235 && p.y === -1));
  assert.deepEqual(out[0], { x: 1, y: 3 });
  assert.deepEqual(out.at(-1), { x: 5_000, y: 3 });
});

test('the output stays in x order and is a subset of the input', () => {
  const points = Array.from({ length: 3_000 }, (_, i) => ({ x: i, y: Math.sin(i / 7) + (i % 97 === 0 ? 5 : 0) }));
  const out = downsampleMinMax(points, 64);
  for (let i = 1; i < out.length; i++) assert.ok(out[i]!.x > out[i - 1]!.x);
  const input = new Set(points);
  for (const p of out) assert.ok(input.has(p));
  // Every spike (each in its own bucket or sharing one with another spike) is kept.
  assert.equal(out.filter((p) => p.y > 4).length, points.filter((p) => p.y > 4).length);
});

test('buckets equal in log x keep a spike among the early steps of a log axis', () => {
  const points = flat(10_000);
  points[2] = { x: 3, y: 9 };
  const out = downsampleMinMax(points, 20, Math.log10);
  assert.ok(out.some((p) => p.x === 3 && p.y === 9));
});

test('few points come back unchanged; points that cannot be drawn are dropped', () => {
  const points = [
    { x: 0, y: 1 },
    { x: 1, y: Number.NaN },
    { x: 2, y: 2 },
  ];
  assert.deepEqual(downsampleMinMax(points, 10), [points[0], points[2]]);
  assert.deepEqual(downsampleMinMax(points, 10, Math.log10), [points[2]]);
});

test('a bucket count that is not a positive integer is refused', () => {
  assert.throws(() => downsampleMinMax([], 0), /buckets must be a positive integer, got 0/);
});
