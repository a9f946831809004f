import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brownPlainText } from './brown.js';
import { HOLDOUT_BOOKS, bundledCorpus, bundledHoldout, writeBundledCorpus } from './bundled-corpus.js';
import type { CorpusDocument } from './documents.js';
import { readDocuments } from './readers.js';
import { temporaryFolder } from './testing.js';

describe('bundled corpus', () => {
  let train: CorpusDocument[];
  let holdout: CorpusDocument[];
  before(() => {
    train = bundledCorpus();
    holdout = bundledHoldout();
  });

  it('holds out the four children\'s books, disjoint from the training part', () => {
    assert.deepEqual(
      holdout.map((document) => document.id),
      HOLDOUT_BOOKS.map((book) => `gutenberg/${book}`),
    );
    const trainIds = new Set(train.map((document) => document.id));
    const trainTexts = new Set(train.map((document) => document.text));
    for (const document of holdout) {
      assert.ok(!trainIds.has(document.id) && !trainTexts.has(document.text), `${document.id} must not be in the training part`);
    }
  });

  it('trains on the other 14 Gutenberg books and the 500 Brown texts, tags stripped', () => {
    assert.equal(train.filter((document) => document.subset === 'gutenberg').length, 14);
    const brown = train.filter((document) => document.subset === 'brown');
    assert.equal(brown.length, 500);
    assert.ok(brown.every((document) => !/\w\/(at|nn|np|vbd|jj|cc)\s/.test(document.text)));
  });

  it('strips Brown tags and joins tokens as prose', () => {
    const tagged = '\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn \'\'/\'\' ,/, 1/2/cd (/( sic/rb )/) ./.\n\n\tNext/ap ./.\n';
    assert.equal(brownPlainText(tagged), 'The jury said "no evidence", 1/2 (sic).\nNext.');
  });

  describe('writeBundledCorpus', () => {
    let folder: { path: string; remove: () => Promise<void> };
    before(async () => {
      folder = await temporaryFolder();
    });
    after(() => folder.remove());

    it('writes the held-out part as JSONL that readDocuments reads back', async () => {
      const paths = await writeBundledCorpus(join(folder.path, 'holdout'), 'holdout');
      const read: CorpusDocument[] = [];
      for await (const document of readDocuments(paths)) read.push(document);
      assert.deepEqual(read, holdout);
    });
  });
});
