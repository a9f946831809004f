import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wordTokens } from '@downscale/simplify';
import { oovWords, paperWords, simplifyTask, trimToVocabulary } from './vocabulary-filter.js';
import { HARNESS_PROMPT_FORMAT, type MinimalPairTask, type MultipleChoiceTask } from './tasks.js';

const vocabulary = new Set(['the', 'cat', 'sat', 'on', 'a', 'mat', 'is', 'big', 'small', 'dog', 'don', 't', 'th', 'it', 'was', 'good', 'movie']);

const mc: MultipleChoiceTask = {
  kind: 'multiple-choice',
  name: 'mc',
  format: HARNESS_PROMPT_FORMAT,
  items: [
    { id: 'kept', context: 'The cat sat on a mat. It is', choices: ['big', 'small'], gold: 0 },
    { id: 'oov-context', context: 'The zebra sat on a mat. It is', choices: ['big', 'small'], gold: 0 },
    { id: 'oov-choice', context: 'The cat is', choices: ['big', 'enormous'], gold: 0 },
    { id: 'two-oov', context: 'The zebra is', choices: ['big', 'enormous'], gold: 1 },
  ],
  train: [
    { id: 'train-kept', context: 'The dog is', choices: ['big'], gold: 0 },
    { id: 'train-dropped', context: 'The gnu is', choices: ['big'], gold: 0 },
  ],
};

test('the span-filter word rule sees exactly the span filter tokens, digits pass', () => {
  const text = "The 10th cat don't SAT on Zebra-land";
  assert.deepEqual(wordTokens(text), ['The', '10', 'th', 'cat', 'don', 't', 'SAT', 'on', 'Zebra', 'land']);
  assert.deepEqual(oovWords([text], vocabulary), ['zebra', 'land']);
});

test('whole-example rule: an item is kept only if context and every choice are in the vocabulary', () => {
  const { task, report } = simplifyTask(mc, vocabulary);
  assert.deepEqual(task.items.map((item) => item.id), ['kept']);
  assert.deepEqual(task.train?.map((item) => item.id), ['train-kept']);
  assert.equal(task.name, 'mc:simplified');
  assert.deepEqual(
    { total: report.total, kept: report.kept, dropped: report.dropped, trimmed: report.trimmed },
    { total: 4, kept: 1, dropped: 3, trimmed: 0 },
  );
  assert.deepEqual(report.oovWords, [
    { word: 'enormous', items: 2 },
    { word: 'zebra', items: 2 },
  ]);
});

test('span-trim keeps the in-vocabulary spans of a context; choices must still pass', () => {
  // The span filter's own cut: "The" is a span, "zebra" is dropped, "sat ..." is the next span.
  assert.equal(trimToVocabulary('The zebra sat on a mat. It is', vocabulary), 'The sat on a mat. It is');
  const { task, report } = simplifyTask(mc, vocabulary, { mode: 'span-trim' });
  assert.deepEqual(task.items.map((item) => [item.id, item.context]), [
    ['kept', 'The cat sat on a mat. It is'],
    ['oov-context', 'The sat on a mat. It is'],
  ]);
  assert.equal(report.trimmed, 1);
  assert.equal(report.dropped, 2);
});

test("the paper's rule ignores capitalised words after the first, breaks at punctuation and drops fragments", () => {
  assert.deepEqual(paperWords(['Zebra said: "Alice isn\'t here," 3 times.']), ['zebra', 'said', 'isn', 'here', 'times']);
  // A line break separates words like a space (harness and WordNet prompts end in "\nAnswer:" or "\nWord:").
  assert.deepEqual(paperWords(['Question: is it hot?\nAnswer:', 'yes']), ['question', 'is', 'it', 'hot', 'yes']);
  const pairs: MinimalPairTask = {
    kind: 'minimal-pair',
    name: 'pairs',
    format: HARNESS_PROMPT_FORMAT,
    items: [
      { id: 'names', good: 'The cat is Tom.', bad: 'The cat are Tom.' },
      { id: 'plain', good: 'The cat is big.', bad: 'The cat big is.' },
    ],
  };
  const spanRule = simplifyTask(pairs, new Set([...vocabulary, 'are']));
  assert.deepEqual(spanRule.task.items.map((item) => item.id), ['plain']);
  assert.deepEqual(spanRule.report.oovWords, [{ word: 'tom', items: 1 }]);
  const paperRule = simplifyTask(pairs, new Set([...vocabulary, 'are']), { wordRule: 'paper' });
  assert.deepEqual(paperRule.task.items.map((item) => item.id), ['names', 'plain']);
});
