import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentSpec } from '@downscale/contracts';
import { formValues, specFromValues } from './experiment-form.js';
import { writePolicy } from './writes.js';

const base: ExperimentSpec = {
  name: 'demo',
  preset: 'demo',
  corpus: { source: 'bundled', vocabulary: 'default' },
  grid: { hiddenSizes: [16, 32], layers: [2], variants: ['simplified', 'regular'], seeds: [1] },
  tokenBudget: 400_000,
  contextLength: 64,
  tasks: [],
  tokenizerVocabSize: 2_048,
};

test('the form round-trips a spec, lists written with commas or spaces', () => {
  const values = { ...formValues(base), hiddenSizes: '16, 32 64', tokenBudget: '1_000_000', tasks: 'blimp, hellaswag' };
  const result = specFromValues(values, base);
  assert.ok(result.ok);
  assert.deepEqual(result.spec.grid.hiddenSizes, [16, 32, 64]);
  assert.equal(result.spec.tokenBudget, 1_000_000);
  assert.deepEqual(result.spec.tasks, ['blimp', 'hellaswag']);
  assert.equal(result.spec.contextLength, 64, 'what the form does not show comes from the preset');
});

test('errors are by field path, a list item named by its position', () => {
  const result = specFromValues({ ...formValues(base), name: ' ', hiddenSizes: '16, 0, x', variants: [], tokenBudget: '' }, base);
  assert.ok(!result.ok);
  assert.deepEqual(Object.keys(result.errors).sort(), ['grid.hiddenSizes', 'grid.variants', 'name', 'tokenBudget']);
  assert.match(result.errors['grid.hiddenSizes']![0]!, /^item 2: /);
  assert.match(result.errors['grid.hiddenSizes']![1]!, /^item 3: /);
});

test('writes: the flag decides; unset, only a dashboard bound to loopback writes', () => {
  assert.equal(writePolicy({ DASHBOARD_ALLOW_WRITES: '1' }).allowed, true);
  assert.equal(writePolicy({ DASHBOARD_ALLOW_WRITES: '0', __NEXT_PRIVATE_ORIGIN: 'http://127.0.0.1:3000' }).allowed, false);
  assert.equal(writePolicy({ __NEXT_PRIVATE_ORIGIN: 'http://127.0.0.1:3000' }).allowed, true);
  assert.equal(writePolicy({ __NEXT_PRIVATE_ORIGIN: 'http://localhost:3000' }).allowed, false, 'all interfaces');
  assert.equal(writePolicy({}).allowed, false);
});
