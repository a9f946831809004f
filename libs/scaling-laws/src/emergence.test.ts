import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emergenceSeries, type EvalResultPoint } from './index.js';

const result = (task: string, variant: string, params: number, compute: number, acc: number): EvalResultPoint => ({
  task,
  variant,
  params,
  compute,
  acc,
  chance: task === 'boolq' ? 0.5 : 0.25,
  meanGoldLogLikelihood: -1 / params,
});

describe('emergenceSeries', () => {
  it('groups by task and variant, sorted by params and by compute, with chance', () => {
    const series = emergenceSeries([
      result('piqa', 'simple', 3e7, 9e17, 0.3),
      result('boolq', 'full', 1e8, 1e18, 0.55),
      result('piqa', 'simple', 1e7, 2e18, 0.26),
      result('piqa', 'full', 1e7, 1e17, 0.25),
    ]);
    assert.deepEqual(series.map((s) => [s.task, s.variant, s.chance]), [
      ['boolq', 'full', 0.5],
      ['piqa', 'full', 0.25],
      ['piqa', 'simple', 0.25],
    ]);
    const simple = series[2];
    assert.deepEqual(simple?.byParams.map((p) => p.params), [1e7, 3e7]);
    assert.deepEqual(simple?.byCompute.map((p) => p.compute), [9e17, 2e18]);
    assert.ok(Math.abs((simple?.byParams[1]?.aboveChance as number) - 0.05) < 1e-12);
    assert.equal(simple?.byParams[0]?.meanGoldLogLikelihood, -1e-7);
  });

  it('refuses two chance levels within one task', () => {
    assert.throws(
      () => emergenceSeries([result('piqa', 'full', 1, 1, 0.3), { ...result('piqa', 'full', 2, 2, 0.3), chance: 0.5 }]),
      /task piqa, variant full: chance level differs/,
    );
  });
});
