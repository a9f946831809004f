import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smoothEma } from './smooth.js';

test('a constant curve stays constant from its first point (no start-up bias)', () => {
  const out = smoothEma([1, 2, 3, 4].map((x) => ({ x, y: 5 })), 0.9);
  for (const p of out) assert.ok(Math.abs(p.y - 5) < 1e-12, String(p.y));
});

test('smoothing damps a spike but keeps x and the number of points', () => {
  const points = Array.from({ length: 50 }, (_, i) => ({ x: i, y: i === 25 ? 10 : 1 }));
  const out = smoothEma(points, 0.9);
  assert.deepEqual(out.map((p) => p.x), points.map((p) => p.x));
  assert.ok(out[25]!.y > 1 && out[25]!.y < 2.5, String(out[25]!.y));
});

test('weight 0 is the identity; weights outside [0, 1) are refused', () => {
  const points = [{ x: 1, y: 2 }];
  assert.deepEqual(smoothEma(points, 0), points);
  assert.throws(() => smoothEma(points, 1), /smoothing weight must be in \[0, 1\), got 1/);
});
