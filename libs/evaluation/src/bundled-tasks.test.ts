import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSimplifiedBuiltinTasks, bundledBuiltinTasks, taskVersions } from './bundled-tasks.js';
import { oovWords } from './vocabulary-filter.js';

test('the bundled held-out books give three tasks of at most 200 items, with simplified versions', () => {
  const tasks = bundledBuiltinTasks({ items: 120, trainItems: 10 });
  const all = [tasks.lastWord, tasks.bookCloze, tasks.nextSentence];
  for (const task of all) {
    assert.equal(task.items.length, 120, task.name);
    assert.ok(task.items.every((item) => /carroll-alice|bryant-stories|burgess-busterbrown|edgeworth-parents/.test(item.id)));
  }
  const vocabulary = new Set(['the', 'and', 'a', 'to', 'was', 'she', 'he', 'it']);
  for (const { original, simplified } of taskVersions(all, vocabulary)) {
    assert.equal(simplified.report.total, original.items.length);
    assert.equal(simplified.report.kept + simplified.report.dropped, original.items.length);
    assert.equal(simplified.task.items.length, simplified.report.kept);
    assert.ok(simplified.report.oovWords.length > 0);
  }
});

test('simplified built-in tasks are drawn from the candidates that pass the filter', () => {
  const book = {
    id: 'tiny',
    text: Array.from({ length: 30 }, (_, i) =>
      i % 2 === 0 ? 'The cat sat on the mat. The cat was happy there. Then the cat slept on the mat.' : 'The zebra ran far. The zebra was fast there. Then the grass hid the zebra.',
    ).join('\n\n'),
  };
  const vocabulary = new Set(['the', 'cat', 'sat', 'on', 'mat', 'was', 'happy', 'there', 'then', 'slept']);
  const { tasks, reports } = buildSimplifiedBuiltinTasks([book], vocabulary, { items: 5, trainItems: 2 });
  assert.equal(reports.length, 3);
  const lastWord = reports.find((report) => report.task === 'builtin/last-word');
  assert.ok(lastWord && lastWord.kept > 0 && lastWord.dropped > 0);
  assert.equal(tasks.lastWord.name, 'builtin/last-word:simplified');
  assert.ok(tasks.lastWord.items.length > 0);
  for (const item of [...tasks.lastWord.items, ...(tasks.lastWord.train ?? [])]) {
    assert.deepEqual(oovWords([item.context, item.target], vocabulary), []);
  }
});
