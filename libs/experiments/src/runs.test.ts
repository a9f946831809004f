import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presetSpec } from './presets.js';
import { planRuns } from './runs.js';

describe('planRuns', () => {
  it('expands the paper grid into 18 runs per corpus with the paper\'s parameter counts', () => {
    const runs = planRuns('exp', presetSpec('paper'), 'simplified', 15_000);
    assert.equal(runs.length, 18);
    const biggest = runs.find((r) => r.model.hiddenSize === 1024 && r.model.layers === 8)!;
    assert.deepEqual([biggest.paramsTotal, biggest.paramsNonEmbedding], [164_955_136, 134_235_136]);
    assert.equal(biggest.runId, 'exp-simplified-h1024-l8-s1');
    // 2.1B tokens / (512 x 128) = 32,043 steps; 1,000/32,500 of them warm up.
    assert.equal(biggest.training.warmupSteps, Math.round((1_000 / 32_500) * 32_043));
    assert.equal(biggest.model.heads, 8);
  });

  it('is deterministic, so planning twice creates no new runs', () => {
    const spec = presetSpec('demo');
    assert.deepEqual(planRuns('e', spec, 'regular', 2048), planRuns('e', spec, 'regular', 2048));
    assert.deepEqual(planRuns('e', spec, 'regular', 2048).map((r) => r.model.hiddenSize), [16, 32, 64, 128]);
  });

  it('derives eval and checkpoint intervals from the run\'s steps', () => {
    const spec = presetSpec('demo', { tokenBudget: 8 * 64 * 100 });
    const [run] = planRuns('e', spec, 'simplified', 2048);
    assert.deepEqual([run!.training.evalInterval, run!.training.checkpointInterval, run!.training.warmupSteps, run!.training.adamEpsilon], [20, 50, 5, 1e-8]);
  });

  it('refuses a hidden size that cannot be split into heads, and a bad preset change', () => {
    const spec = presetSpec('demo', { grid: { hiddenSizes: [30], layers: [2], variants: ['simplified'], seeds: [1] } });
    assert.throws(() => planRuns('e', spec, 'simplified', 100), /grid.hiddenSizes: 30 cannot be split/);
    assert.throws(() => planRuns('e', presetSpec('demo', { grid: { ...spec.grid, hiddenSizes: [12] } }), 'simplified', 100), /grid.hiddenSizes: 12 cannot be split/, '4 heads of 3 would leave rotary embeddings an odd head size');
    assert.throws(() => presetSpec('demo', { tokenBudget: 0 }), /tokenBudget/);
  });
});
