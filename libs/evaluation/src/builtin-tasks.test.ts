import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildBuiltinTasks, type SourceBook } from './builtin-tasks.js';
import { bookSentences, plainWords } from './sentences.js';

// A small made-up book: paragraphs of short prose sentences with repeated content words.
const animals = ['rabbit', 'turtle', 'beaver', 'badger', 'magpie', 'weasel'];
const paragraphs = Array.from({ length: 12 }, (_, p) => {
  const a = animals[p % animals.length] as string;
  const b = animals[(p + 1) % animals.length] as string;
  return [
    `The ${a} walked slowly along the river in the morning.`,
    `Every day the ${a} looked for something to eat near the water.`,
    `One morning the ${a} met a friendly ${b} sitting by the stones.`,
    `They talked about the weather and the long winter before them.`,
    `Then the ${b} waved and hurried home to find the ${a}.`,
  ].join('\n');
});
const book: SourceBook = { id: 'made-up', text: `[A Made-Up Book]\n\n${paragraphs.join('\n\n')}\n` };

test('built-in tasks are deterministic for a seed and change with it', () => {
  const a = buildBuiltinTasks([book], { seed: 4, items: 10, trainItems: 5 });
  const b = buildBuiltinTasks([book], { seed: 4, items: 10, trainItems: 5 });
  assert.deepEqual(a, b);
  const c = buildBuiltinTasks([book], { seed: 5, items: 10, trainItems: 5 });
  assert.notDeepEqual(c.nextSentence.items, a.nextSentence.items);
});

test('splits are capped, disjoint, and free of editorial lines', () => {
  const tasks = buildBuiltinTasks([book], { items: 6, trainItems: 3 });
  for (const task of [tasks.lastWord, tasks.bookCloze, tasks.nextSentence]) {
    assert.ok(task.items.length > 0 && task.items.length <= 6, `${task.name} has ${task.items.length} items`);
    assert.ok((task.train?.length ?? 0) <= 3);
    const ids = new Set(task.items.map((item) => item.id));
    assert.ok(task.train?.every((item) => !ids.has(item.id)));
    assert.ok(JSON.stringify(task.items).indexOf('[A Made-Up') < 0);
  }
});

test('last-word targets are content words that already occur in their passage', () => {
  const { lastWord } = buildBuiltinTasks([book], { items: 50 });
  assert.ok(lastWord.items.length > 0);
  for (const item of lastWord.items) {
    assert.match(item.target, /^[A-Za-z]{3,}$/);
    assert.ok(plainWords(item.context).includes(item.target.toLowerCase()));
    assert.doesNotMatch(item.context, /\s$/); // the scored continuation is " " + target
  }
});

test('book-cloze: 4 choices that differ only in the removed word, distractors of the same suffix', () => {
  const { bookCloze } = buildBuiltinTasks([book], { items: 50 });
  assert.ok(bookCloze.items.length > 0);
  for (const item of bookCloze.items) {
    assert.equal(item.choices.length, 4);
    const words = item.choices.map((choice) => (/^[a-z]+/.exec(choice) as RegExpExecArray)[0]);
    const rests = new Set(item.choices.map((choice, i) => choice.slice((words[i] as string).length)));
    assert.equal(rests.size, 1);
    assert.equal(new Set(words.map((word) => word.slice(-2))).size, 1);
    assert.equal(new Set(words).size, 4);
  }
});

test('next-sentence: the gold choice is the sentence that follows the context in the book', () => {
  const { nextSentence } = buildBuiltinTasks([book], { items: 50 });
  const flat = book.text.replace(/\s+/g, ' ');
  assert.ok(nextSentence.items.length > 0);
  for (const item of nextSentence.items) {
    assert.equal(item.choices.length, 4);
    assert.ok(flat.includes(`${item.context} ${item.choices[item.gold] as string}`));
  }
});

test('sentences do not end at a title abbreviation', () => {
  const sentences = bookSentences('Jolly, round, red Mr. Sun was smiling. Then Mrs. Quack came by!');
  assert.deepEqual(sentences.map((s) => s.text), ['Jolly, round, red Mr. Sun was smiling.', 'Then Mrs. Quack came by!']);
});
