import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WordTable, wordTableOf } from './word-table.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Id of the whole of `text` in `table` (find). */
function find(table: WordTable, text: string): number {
  const bytes = utf8(text);
  return table.find(bytes, 0, bytes.length);
}

describe('WordTable', () => {
  it('finds its words by their bytes, with A-Z folded to lower case only', () => {
    const table = WordTable.fromWords(['the', 'café', 'naïve', '日本']);
    assert.equal(table.size, 4);
    assert.equal(find(table, 'the'), 0);
    assert.equal(find(table, 'THE'), 0);
    assert.equal(find(table, 'The'), 0);
    assert.equal(find(table, 'CAFé'), 1);
    assert.equal(find(table, 'CAFÉ'), -1, 'É is not ASCII, so it is not lower-cased');
    assert.equal(find(table, '日本'), 3);
    assert.equal(find(table, 'th'), -1);
    assert.equal(find(table, 'then'), -1);
    assert.equal(find(table, ''), -1);
  });

  it('looks up a word inside a larger buffer by its byte range', () => {
    const table = WordTable.fromWords(['cat']);
    const bytes = utf8('a Cat sat');
    assert.equal(table.find(bytes, 2, 5), 0);
    assert.equal(table.find(bytes, 2, 4), -1);
  });

  it('leaves out words that no lower-cased token can equal, and duplicates', () => {
    const table = WordTable.fromWords(['Apple', 'pear', 'pear']);
    assert.equal(table.size, 1);
    assert.equal(find(table, 'apple'), -1);
    assert.equal(table.word(0), 'pear');
  });

  it('adds new words with the next id, stored lower-cased, and keeps them through growth', () => {
    const table = new WordTable();
    const words = Array.from({ length: 5000 }, (_, i) => `Word${i}ü`);
    const ids = words.map((word) => {
      const bytes = utf8(word);
      return table.add(bytes, 0, bytes.length);
    });
    assert.deepEqual(ids, words.map((_, i) => i));
    assert.equal(table.size, 5000);
    words.forEach((word, i) => {
      const again = utf8(`WORD${i}ü`);
      assert.equal(table.add(again, 0, again.length), i, 'adding a stored word again returns its id');
      assert.equal(find(table, word), i);
      assert.equal(table.word(i), `word${i}ü`);
    });
    assert.equal(table.size, 5000);
  });

  it('tells apart words that share their first 11 bytes, their key, or differ only by trailing NUL bytes', () => {
    const long = 'incomprehensibilities';
    const veryLong = 'x'.repeat(300);
    const table = WordTable.fromWords([long, 'incomprehensible', 'a', 'a\0', veryLong]);
    assert.equal(find(table, 'INCOMPREHENSIBILITIES'), 0);
    assert.equal(find(table, 'incomprehensible'), 1);
    assert.equal(find(table, 'incomprehensibilitiez'), -1, 'same first 11 bytes and length, different tail');
    assert.equal(find(table, 'incomprehens'), -1);
    assert.equal(find(table, 'a'), 2);
    assert.equal(find(table, 'a\0'), 3);
    assert.equal(find(table, 'a\0\0'), -1);
    assert.equal(find(table, veryLong), 4);
    assert.equal(find(table, 'x'.repeat(299)), -1, 'lengths past 255 share the key byte; the stored length decides');
    assert.equal(find(table, 'x'.repeat(556)), -1);
  });

  it('wordTableOf builds the table of a set once', () => {
    const vocabulary = new Set(['a', 'b']);
    assert.equal(wordTableOf(vocabulary), wordTableOf(vocabulary));
    assert.equal(wordTableOf(vocabulary).size, 2);
  });
});
