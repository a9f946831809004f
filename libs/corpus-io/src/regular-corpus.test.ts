import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { wordTokens } from '@downscale/simplify';
import { regularCorpus } from './regular-corpus.js';
import { generatedText, seededRandom, temporaryFolder } from './testing.js';

describe('regularCorpus', () => {
  let folder: { path: string; remove: () => Promise<void> };
  let inputs: string;
  const random = seededRandom(11);
  const texts = Array.from({ length: 30 }, () => generatedText(random, 8));
  const totalWords = texts.reduce((sum, text) => sum + wordTokens(text).length, 0);

  before(async () => {
    folder = await temporaryFolder();
    inputs = join(folder.path, 'in');
    await mkdir(inputs);
    await writeFile(join(inputs, 'docs.jsonl'), texts.map((text) => `${JSON.stringify({ text, meta: { redpajama_set_name: 'C4' } })}\n`).join(''));
  });
  after(() => folder.remove());

  async function records(path: string | undefined): Promise<{ doc: string; text: string; words: number; subset?: string }[]> {
    return (await readFile(path ?? '', 'utf8'))
      .trimEnd()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
  }

  it('keeps whole documents in order and cuts the one that reaches the word budget', async () => {
    const budget = Math.floor(totalWords / 2);
    const result = await regularCorpus({ inputs, outDir: join(folder.path, 'half'), wordBudget: budget, shardChars: 400 });
    const written = await records(result.documentsFile);
    assert.equal(result.stats.words, budget);
    assert.equal(written.reduce((sum, record) => sum + wordTokens(record.text).length, 0), budget);
    assert.ok(written.every((record) => record.words === wordTokens(record.text).length && record.subset === 'C4'));
    const last = written.length - 1;
    written.slice(0, last).forEach((record, i) => assert.equal(record.text, texts[i]));
    assert.ok(texts[last]?.startsWith(written[last]?.text ?? '-'));
    assert.equal(result.stats.budgetReached, true);
    assert.equal(result.stats.documents, written.length);
    assert.deepEqual(result.stats.subsets, { C4: { documents: written.length, words: budget } });
  });

  it('takes everything when the inputs hold fewer words than the budget', async () => {
    const result = await regularCorpus({ inputs, outDir: join(folder.path, 'all'), wordBudget: totalWords + 100 });
    assert.deepEqual((await records(result.documentsFile)).map((record) => record.text), texts);
    assert.equal(result.stats.words, totalWords);
    assert.equal(result.stats.budgetReached, false);
  });

  it('caps by tokens of a given tokenizer, cutting the last document at the longest prefix that fits', async () => {
    const countTokens = (text: string): number => Math.ceil(text.length / 4); // a stand-in tokenizer
    const budget = Math.floor(texts.reduce((sum, text) => sum + countTokens(text), 0) / 3);
    const result = await regularCorpus({ inputs, outDir: join(folder.path, 'tokens'), tokenBudget: budget, countTokens });
    const written = await records(result.documentsFile);
    const used = written.reduce((sum, record) => sum + countTokens(record.text), 0);
    assert.deepEqual(result.stats.budget, { unit: 'tokens', limit: budget });
    assert.equal(result.stats.used, used);
    assert.ok(used <= budget, `${used} tokens used of ${budget}`);
    const last = written.length - 1;
    written.slice(0, last).forEach((record, i) => assert.equal(record.text, texts[i]));
    const cut = written[last]?.text ?? '';
    const full = texts[last] ?? '';
    assert.ok(full.startsWith(cut) && cut.length < full.length);
    // One more word would not fit.
    const nextWords = wordTokens(full).slice(0, wordTokens(cut).length + 1);
    const longer = full.slice(0, full.indexOf(nextWords.at(-1) ?? '', cut.length) + (nextWords.at(-1)?.length ?? 0));
    assert.ok(used - countTokens(cut) + countTokens(longer) > budget);
  });

  it('needs exactly one budget, and a tokenizer for a token budget', async () => {
    await assert.rejects(regularCorpus({ inputs, outDir: join(folder.path, 'none') }), /exactly one of wordBudget and tokenBudget/);
    await assert.rejects(regularCorpus({ inputs, outDir: join(folder.path, 'none'), tokenBudget: 5 }), /needs countTokens/);
  });

  it('resumes an interrupted run with the same result', async () => {
    const budget = totalWords - 7;
    const reference = await regularCorpus({ inputs, outDir: join(folder.path, 'reference'), wordBudget: budget, shardChars: 300 });
    const outDir = join(folder.path, 'resumed');
    const stop = new AbortController();
    await assert.rejects(
      regularCorpus({ inputs, outDir, wordBudget: budget, shardChars: 300, signal: stop.signal, onProgress: () => stop.abort() }),
      { name: 'AbortError' },
    );
    const resumed = await regularCorpus({ inputs, outDir, wordBudget: budget, shardChars: 300 });
    assert.equal(resumed.shardsResumed, 1);
    assert.equal(await readFile(resumed.documentsFile ?? '', 'utf8'), await readFile(reference.documentsFile ?? '', 'utf8'));
    assert.deepEqual(resumed.stats, reference.stats);
  });
});
