import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadTokenizer, preTokenize, trainBpe, type BpeTokenizer } from './index.js';
import { syntheticCorpus } from './test-corpus.js';

describe('BpeTokenizer: encode and decode', () => {
  const corpus = syntheticCorpus(300);
  let tokenizer: BpeTokenizer;
  before(async () => {
    tokenizer = await trainBpe(corpus, { vocabSize: 250 });
  });

  it('decodes to the pre-tokens separated by single spaces', () => {
    for (const text of corpus.slice(0, 50)) {
      assert.equal(tokenizer.decode(tokenizer.encode(text)), preTokenize(text).join(' '));
    }
  });

  it('uses fewer tokens than characters on text like the corpus', () => {
    const text = corpus.join(' ');
    assert.ok(tokenizer.encode(text).length < preTokenize(text).join('').length / 2);
  });

  it('gives [UNK] for each character it never saw, and decodes it as [UNK]', () => {
    const { unk } = tokenizer.specialTokenIds;
    const ids = tokenizer.encode('ka ZZ ka');
    assert.equal(ids.filter((id) => id === unk).length, 2);
    assert.equal(tokenizer.decode(ids), 'ka [UNK][UNK]ka');
    assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), 'ka ka');
  });

  it('encodes astral characters whole and a lone surrogate as [UNK], one per character', async () => {
    const astral = await trainBpe(['𝒜b 𝒜b b𝒜', 'x! x!'], { vocabSize: 40 });
    assert.equal(astral.decode(astral.encode('𝒜b b𝒜')), '𝒜b b𝒜');
    const { unk } = astral.specialTokenIds;
    assert.deepEqual(Array.from(astral.encode('\uD835!')), [unk, astral.tokenToId('!</w>')]);
  });

  it('turns special tokens written in the text into their ids', () => {
    const { bos, eos, mask } = tokenizer.specialTokenIds;
    const ids = tokenizer.encode('<s>ka [MASK] lo</s>');
    assert.equal(ids[0], bos);
    assert.ok(ids.includes(mask));
    assert.equal(ids.at(-1), eos);
    assert.deepEqual(Array.from(tokenizer.encode('<s>ka')), [bos, ...tokenizer.encode('ka')]);
  });

  it('encodes the same text the same way with a cold and a warm word cache, into arrays of its own', () => {
    const text = corpus.slice(100, 300).join('\n');
    const cold = tokenizer.encode(text);
    const copy = Array.from(cold);
    tokenizer.encode(corpus.slice(0, 100).join('\n'));
    assert.deepEqual(Array.from(cold), copy);
    assert.deepEqual(tokenizer.encode(text), cold);
    assert.ok(cold.length > 1024, 'long enough to grow the output buffer');
  });

  it('refuses an id outside the vocabulary', () => {
    assert.throws(() => tokenizer.decode([tokenizer.vocabSize]), /token id 250 is outside the vocabulary \(0\.\.249\)/);
  });
});

describe('BpeTokenizer: save and load', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tokenizer-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('loads what it saved: same ids, same file bytes when saved again', async () => {
    const corpus = syntheticCorpus(200, 11);
    const tokenizer = await trainBpe(corpus, { vocabSize: 200 });
    const first = join(folder, 'first.json');
    const second = join(folder, 'second.json');
    await tokenizer.save(first);
    const loaded = await loadTokenizer(first);
    assert.equal(loaded.vocabSize, 200);
    assert.deepEqual(loaded.specialTokenIds, tokenizer.specialTokenIds);
    const probe = syntheticCorpus(30, 99).join('\n');
    assert.deepEqual(loaded.encode(probe), tokenizer.encode(probe));
    await loaded.save(second);
    assert.equal(await readFile(second, 'utf8'), await readFile(first, 'utf8'));
  });

  it('round-trips tokens that look like numbers or object keys', async () => {
    const tokenizer = await trainBpe(['__proto__ 10 10 10 constructor 2024 2024'], { vocabSize: 60 });
    const path = join(folder, 'odd.json');
    await tokenizer.save(path);
    const loaded = await loadTokenizer(path);
    assert.deepEqual(loaded.spec, tokenizer.spec);
  });
});
