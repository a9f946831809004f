import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainOf, project, tenthsText, tickLabel, ticks } from './scale.js';

test('log domains ignore values that cannot be drawn on a log axis', () => {
  const [low, high] = domainOf([0, -1, 10, 1000, Number.NaN], true)!;
  assert.ok(Math.abs(low - 10 / 100 ** 0.04) < 1e-9 && Math.abs(high - 1000 * 100 ** 0.04) < 1e-9, `${low} ${high}`);
  assert.equal(domainOf([0, -3], true), undefined);
  assert.deepEqual(domainOf([5], true), [2.5, 10]);
});

test('linear domains are padded and a single value is widened', () => {
  assert.deepEqual(domainOf([0, 10], false), [-0.5, 10.5]);
  assert.deepEqual(domainOf([4], false), [2, 6]);
});

test('projection maps the domain onto the range, in log or linear space', () => {
  assert.equal(project({ log: false, domain: [0, 10], range: [0, 100] }, 5), 50);
  assert.equal(project({ log: true, domain: [1, 100], range: [200, 0] }, 10), 100);
});

test('log ticks are powers of ten, with 2 and 5 between them on short spans', () => {
  assert.deepEqual(ticks([1e3, 1e7], true), [1e3, 1e4, 1e5, 1e6, 1e7]);
  assert.deepEqual(ticks([1, 30], true), [1, 2, 5, 10, 20]);
});

test('linear ticks are round steps within the domain', () => {
  assert.deepEqual(ticks([0.3, 5.2], false), [1, 2, 3, 4, 5]);
  assert.deepEqual(ticks([3.4, 3.9], false, 5), [3.4, 3.5, 3.6, 3.7, 3.8, 3.9]);
});

test('tick labels are short', () => {
  assert.deepEqual([0, 0.25, 1500, 2e7, 3e9, 1e-4, 1e18].map(tickLabel), ['0', '0.25', '1.5k', '20M', '3B', '1e-4', '1e18']);
});

test('tenths are written as the decimals they stand for, signs and whole numbers included', () => {
  for (let tenths = -2_005; tenths <= 2_005; tenths++) assert.equal(tenthsText(tenths), String(tenths / 10));
  assert.equal(tenthsText(-7), '-0.7');
  assert.equal(tenthsText(30), '3');
});
