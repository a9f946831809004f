import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VocabularyError, detectVocabularyFormat, loadVocabulary, oddEntryReason, parseVocabulary } from './index.js';

// Shaped like the paper's AO-CHILDES file: CRLF, `,word,frequency`, and its quirks.
const PAPER_LIKE_CSV = [
  ',word,frequency',
  '0,the,10',
  '1,nan,31',
  '2,TRUE,567',
  '3,t\uFFFDged,1',
  '4,"cat",2',
  '5,"a,b",1',
  '6,The,4',
  "7,don't,1",
  '8,,1',
  '',
].join('\r\n');

describe('parseVocabulary: CSV', () => {
  const vocabulary = parseVocabulary(PAPER_LIKE_CSV, 'csv', 'paper.csv');

  it('keeps nan as a word, lower-cases TRUE and reads quoted fields', () => {
    assert.deepEqual([...vocabulary.words], ['the', 'nan', 'true', 't\uFFFDged', 'cat', 'a,b', "don't"]);
  });

  it('reports size, duplicates after lower-casing and odd entries with their lines', () => {
    assert.deepEqual(vocabulary.report, {
      source: 'paper.csv',
      format: 'csv',
      entries: 9,
      size: 7,
      duplicates: ['the'],
      oddEntries: [
        { at: 'line 5', entry: 't\uFFFDged', reason: 'mojibake' },
        { at: 'line 7', entry: 'a,b', reason: 'non-letter' },
        { at: 'line 9', entry: "don't", reason: 'non-letter' },
        { at: 'line 10', entry: '', reason: 'empty' },
      ],
    });
  });

  it('sums the frequencies of duplicates', () => {
    assert.equal(vocabulary.frequencies?.get('the'), 14);
    assert.equal(vocabulary.frequencies?.get('nan'), 31);
  });

  it('names the file and line of a row with the wrong number of fields', () => {
    assert.throws(() => parseVocabulary(',word,frequency\n0,a,1\n1,b\n', 'csv', 'v.csv'), (error: unknown) => {
      assert.ok(error instanceof VocabularyError);
      assert.match(error.message, /^v\.csv:3: expected 3 fields like the header, found 2/);
      return true;
    });
  });

  it('names the file and line of a frequency that is not a number', () => {
    assert.throws(() => parseVocabulary(',word,frequency\n0,a,many\n', 'csv', 'v.csv'), /^VocabularyError: v\.csv:2: frequency "many" is not a non-negative number/);
  });

  it('names the file and line of an unclosed quote', () => {
    assert.throws(() => parseVocabulary(',word,frequency\n0,"a,1\n', 'csv', 'v.csv'), /v\.csv:2: quoted field is never closed/);
  });

  it('refuses a CSV without a word column or without any row', () => {
    assert.throws(() => parseVocabulary('id,term\n1,a\n', 'csv', 'v.csv'), /v\.csv:1: the CSV header "id,term" has no "word" column/);
    assert.throws(() => parseVocabulary('', 'csv', 'v.csv'), /v\.csv: the CSV vocabulary is empty/);
  });

  it('accepts a header without a frequency column', () => {
    const words = parseVocabulary('word\nDog\n', 'csv');
    assert.deepEqual([...words.words], ['dog']);
    assert.equal(words.frequencies, undefined);
  });
});

describe('parseVocabulary: word lists and JSON', () => {
  it('reads one word a line, CRLF or LF, skipping blank lines', () => {
    const vocabulary = parseVocabulary('the\r\nCat\n\n  nan \nthe\n', 'plain', 'words.txt');
    assert.deepEqual([...vocabulary.words], ['the', 'cat', 'nan']);
    assert.deepEqual(vocabulary.report.duplicates, ['the']);
    assert.equal(vocabulary.report.entries, 4);
  });

  it('reads a JSON array of words', () => {
    const vocabulary = parseVocabulary('["the", "NaN", "Ã©t"]', 'json', 'words.json');
    assert.deepEqual([...vocabulary.words], ['the', 'nan', 'Ã©t']);
    assert.deepEqual(vocabulary.report.oddEntries, [{ at: 'element 2', entry: 'Ã©t', reason: 'mojibake' }]);
  });

  it('reads a JSON object mapping word to frequency', () => {
    const vocabulary = parseVocabulary('{"the": 3, "The": 2, "dog": 1}', 'json');
    assert.deepEqual([...vocabulary.words], ['the', 'dog']);
    assert.equal(vocabulary.frequencies?.get('the'), 5);
  });

  it('names the place of a JSON syntax error and of entries of the wrong type', () => {
    assert.throws(() => parseVocabulary('[\n"a",\n"b"\n', 'json', 'w.json'), /^VocabularyError: w\.json(:\d+:\d+)?: not valid JSON/);
    assert.throws(() => parseVocabulary('["a", 3]', 'json', 'w.json'), /w\.json: element 1 of the word array is 3, expected a string/);
    assert.throws(() => parseVocabulary('{"a": "many"}', 'json', 'w.json'), /w\.json: the frequency of "a" is "many", expected a non-negative number/);
    assert.throws(() => parseVocabulary('"a"', 'json', 'w.json'), /w\.json: expected a JSON array of words or an object/);
  });
});

describe('oddEntryReason', () => {
  it('tells empty, mojibake and non-letter entries from plain words', () => {
    assert.equal(oddEntryReason('  '), 'empty');
    assert.equal(oddEntryReason('j\uFFFDnos'), 'mojibake');
    assert.equal(oddEntryReason('donâ€™t'), 'mojibake');
    assert.equal(oddEntryReason('mp3'), 'non-letter');
    assert.equal(oddEntryReason('ice cream'), 'non-letter');
    assert.equal(oddEntryReason('café'), undefined);
    assert.equal(oddEntryReason('nan'), undefined);
  });
});

describe('detectVocabularyFormat', () => {
  it('goes by the extension first, then by the content', () => {
    assert.equal(detectVocabularyFormat('the\n', 'a.csv'), 'csv');
    assert.equal(detectVocabularyFormat('the\n', 'a.json'), 'json');
    assert.equal(detectVocabularyFormat(',word,frequency\n0,a,1\n', 'a.txt'), 'csv');
    assert.equal(detectVocabularyFormat('  ["a"]'), 'json');
    assert.equal(detectVocabularyFormat('{"a": 1}'), 'json');
    assert.equal(detectVocabularyFormat('the\ncat\n', 'words'), 'plain');
  });
});

describe('loadVocabulary', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'simplify-vocabulary-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads a file, detecting its format, and names it as the source', async () => {
    const path = join(folder, 'paper.csv');
    await writeFile(path, `\uFEFF${PAPER_LIKE_CSV}`);
    const vocabulary = await loadVocabulary(path);
    assert.equal(vocabulary.report.source, path);
    assert.equal(vocabulary.report.format, 'csv');
    assert.equal(vocabulary.report.size, 7);
  });

  it('honours a format override', async () => {
    const path = join(folder, 'words.csv');
    await writeFile(path, 'the\ncat\n');
    assert.deepEqual([...(await loadVocabulary(path, 'plain')).words], ['the', 'cat']);
  });

  it('reports bytes that are not UTF-8 as mojibake', async () => {
    const path = join(folder, 'latin1.txt');
    await writeFile(path, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    assert.deepEqual((await loadVocabulary(path)).report.oddEntries, [{ at: 'line 1', entry: 'caf\uFFFD', reason: 'mojibake' }]);
  });

  it('names a file it cannot read and says what to pass instead', async () => {
    const path = join(folder, 'missing.csv');
    await assert.rejects(loadVocabulary(path), (error: unknown) => {
      assert.ok(error instanceof VocabularyError);
      assert.ok(error.message.startsWith(`cannot read vocabulary file ${path}:`));
      assert.match(error.message, /pass the path of a CSV/);
      return true;
    });
  });
});
