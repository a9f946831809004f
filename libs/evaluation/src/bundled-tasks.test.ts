import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledBuiltinTasks, taskVersions } from './bundled-tasks.js';

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
