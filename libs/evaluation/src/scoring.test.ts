import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeModel, tableModel } from './fake-model.test-helper.js';
import { codePointLength, firstArgmax, scoreCloze, scoreMinimalPairs, scoreMultipleChoice } from './scoring.js';
import { HARNESS_PROMPT_FORMAT, type ClozeTask, type MinimalPairTask, type MultipleChoiceTask } from './tasks.js';

const format = HARNESS_PROMPT_FORMAT;

function mcTask(items: MultipleChoiceTask['items'], train?: MultipleChoiceTask['items']): MultipleChoiceTask {
  return { kind: 'multiple-choice', name: 'mc', items, format, ...(train ? { train } : {}) };
}

test('firstArgmax takes the first maximum and reports the tie', () => {
  assert.deepEqual(firstArgmax([1, 3, 3, 2]), { index: 1, tied: true });
  assert.deepEqual(firstArgmax([5, 3]), { index: 0, tied: false });
  assert.deepEqual(firstArgmax([3, 5, 5, 7]), { index: 3, tied: false });
});

test('multiple choice scores " " + choice after the context; acc and acc_norm differ as in the harness', async () => {
  // Choice "a" has the higher total; per character, "bbbb" wins (-4/4 = -1 > -2/1).
  const model = tableModel({ ' a': -2, ' bbbb': -4 });
  const result = await scoreMultipleChoice(model, mcTask([{ id: 'x', context: 'Q:', choices: ['a', 'bbbb'], gold: 1 }]));
  assert.deepEqual(model.requests, [
    { context: 'Q:', continuation: ' a' },
    { context: 'Q:', continuation: ' bbbb' },
  ]);
  assert.equal(result.acc, 0);
  assert.equal(result.accNorm, 1);
  assert.deepEqual(result.items, [{ id: 'x', logliks: [-2, -4], pred: 0, predNorm: 1, gold: 1 }]);
  assert.equal(result.chance, 0.5);
});

test('ties go to the first choice and are counted', async () => {
  const model = tableModel({ ' yes': -1, ' no': -1 });
  const items = [
    { id: '1', context: 'c', choices: ['yes', 'no'], gold: 0 },
    { id: '2', context: 'c', choices: ['yes', 'no'], gold: 1 },
  ];
  const result = await scoreMultipleChoice(model, mcTask(items));
  assert.equal(result.ties, 2);
  assert.equal(result.acc, 0.5);
  // Per character -1/3 beats -1/2: no tie after normalisation.
  assert.equal(result.tiesNorm, 0);
  assert.deepEqual(result.items.map((item) => item.predNorm), [0, 0]);
});

test('accuracy carries n, the harness standard error, a seeded bootstrap interval and the majority level', async () => {
  const model = tableModel({ ' right': -1, ' wrong': -5 });
  const items = [0, 1, 2, 3, 4].map((i) => ({
    id: String(i),
    context: 'c',
    choices: i < 3 ? ['right', 'wrong'] : ['wrong', 'right'],
    gold: i === 4 ? 0 : i < 3 ? 0 : 1, // item 4 is answered wrong
  }));
  const result = await scoreMultipleChoice(model, mcTask(items));
  assert.equal(result.n, 5);
  assert.equal(result.acc, 0.8);
  // Sample std of [1,1,1,1,0] is sqrt(0.2); / sqrt(5).
  assert.ok(Math.abs(result.accStderr - Math.sqrt(0.2) / Math.sqrt(5)) < 1e-12);
  assert.equal(result.majority, 0.8); // gold 0 four times out of five
  assert.ok(result.accBootstrap.low <= 0.8 && result.accBootstrap.high >= 0.8);
  const again = await scoreMultipleChoice(model, mcTask(items));
  assert.deepEqual(again.accBootstrap, result.accBootstrap);
});

test('few-shot prompts: k demonstrations "context target" joined by blank lines, then the context', async () => {
  const train = [
    { id: 't1', context: 'Q: one', choices: ['1', '2'], gold: 0 },
    { id: 't2', context: 'Q: two', choices: ['1', '2'], gold: 1 },
  ];
  const model = tableModel({});
  await scoreMultipleChoice(model, mcTask([{ id: 'x', context: 'Q: three', choices: ['3'], gold: 0 }], train), { fewShot: { k: 2, seed: 7 } });
  const context = (model.requests[0] as { context: string }).context;
  const demos = context.split('\n\n');
  assert.equal(demos.length, 3);
  assert.equal(demos[2], 'Q: three');
  assert.deepEqual(new Set(demos.slice(0, 2)), new Set(['Q: one 1', 'Q: two 2']));
  await assert.rejects(scoreMultipleChoice(model, mcTask(train, train), { fewShot: { k: 3 } }), /train split has 2 items/);
});

test('minimal pairs: good must be strictly higher; equal scores are wrong and counted', async () => {
  const model = tableModel({ ' good one.': -3, ' bad one.': -4, ' tie a.': -2, ' tie b.': -2, ' lose.': -9, ' win.': -1 });
  const task: MinimalPairTask = {
    kind: 'minimal-pair',
    name: 'pairs',
    format,
    items: [
      { id: '1', good: 'good one.', bad: 'bad one.' },
      { id: '2', good: 'tie a.', bad: 'tie b.' },
      { id: '3', good: 'lose.', bad: 'win.' },
    ],
  };
  const result = await scoreMinimalPairs(model, task);
  assert.equal(result.acc, 1 / 3);
  assert.equal(result.ties, 1);
  assert.equal(result.chance, 0.5);
  assert.deepEqual(model.requests[0], { context: '', continuation: ' good one.' });
});

test('cloze: greedy accuracy and perplexity exp(-mean loglik) of " " + target', async () => {
  const model = tableModel({ ' cat': -1, ' dog': -3 }, new Set([' cat']));
  const task: ClozeTask = {
    kind: 'cloze',
    name: 'cloze',
    format,
    items: [
      { id: '1', context: 'the', target: 'cat' },
      { id: '2', context: 'a', target: 'dog' },
    ],
  };
  const result = await scoreCloze(model, task);
  assert.equal(result.acc, 0.5);
  assert.ok(Math.abs(result.perplexity - Math.exp(2)) < 1e-12);
  assert.equal(result.majority, 0.5);
});

test('a model that answers too few requests is an error', async () => {
  const model = new FakeModel(() => ({ logprob: 0, isGreedy: false }));
  model.loglikelihood = () => Promise.resolve([]);
  await assert.rejects(scoreMultipleChoice(model, mcTask([{ id: 'x', context: 'c', choices: ['a'], gold: 0 }])), /answered 0 of 1/);
});

test('acc_norm divides by the length in code points, as Python len() counts', () => {
  assert.equal(codePointLength('ab'), 2);
  assert.equal(codePointLength('a\u{1F600}'), 2); // 3 UTF-16 units
  assert.equal(codePointLength('café'), 4);
});
