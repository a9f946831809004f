import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPECIAL_TOKENS, countWords, trainBpe, trainBpeFromWordCounts } from './index.js';
import { syntheticCorpus } from './test-corpus.js';

/** The Hugging Face course's toy corpus: hug x10, pug x5, pun x12, bun x4, hugs x5. */
const TOY_COUNTS = new Map([
  ['hug', 10],
  ['pug', 5],
  ['pun', 12],
  ['bun', 4],
  ['hugs', 5],
]);

function toyCorpus(): string[] {
  return [...TOY_COUNTS].flatMap(([word, count]) => Array.from({ length: count }, () => word));
}

describe('trainBpe: merges on a corpus worked out by hand', () => {
  it('without a suffix: highest count first, ties to the smallest (left id, right id)', async () => {
    const tokenizer = await trainBpe(toyCorpus(), { vocabSize: 100, endOfWordSuffix: '' });
    // Alphabet ids 5..11: b g h n p s u. Counts: u g 20 -> u n 16 -> h ug 15 -> p un 12 -> then
    // p ug (9,12) and hug s (14,10) tie at 5, p ug wins -> hug s 5 -> b un 4.
    assert.deepEqual(tokenizer.spec.merges, [['u', 'g'], ['u', 'n'], ['h', 'ug'], ['p', 'un'], ['p', 'ug'], ['hug', 's'], ['b', 'un']]);
    assert.deepEqual(tokenizer.spec.vocab.slice(5), ['b', 'g', 'h', 'n', 'p', 's', 'u', 'ug', 'un', 'hug', 'pun', 'pug', 'hugs', 'bun']);
  });

  it('with the end-of-word suffix: word-final characters are their own symbols', async () => {
    const tokenizer = await trainBpe(toyCorpus(), { vocabSize: 100 });
    // Symbols 5..14: b g h n p s u g</w> n</w> s</w>. p u 17 -> h u 15 -> pu n</w> 12 -> hu g</w> 10 ->
    // three pairs tie at 5: (g, s</w>) = (6, 14) is smallest -> pu g</w> -> hu gs</w> -> b u and u n</w> tie at 4.
    assert.deepEqual(tokenizer.spec.merges, [
      ['p', 'u'],
      ['h', 'u'],
      ['pu', 'n</w>'],
      ['hu', 'g</w>'],
      ['g', 's</w>'],
      ['pu', 'g</w>'],
      ['hu', 'gs</w>'],
      ['b', 'u'],
      ['bu', 'n</w>'],
    ]);
    assert.deepEqual(Array.from(tokenizer.encode('hugs bun pug')), ['hugs</w>', 'bun</w>', 'pug</w>'].map((token) => tokenizer.tokenToId(token)));
  });

  it('stops at vocabSize, counting the special tokens and initial symbols', async () => {
    const tokenizer = await trainBpe(toyCorpus(), { vocabSize: 18 });
    assert.equal(tokenizer.vocabSize, 18);
    assert.deepEqual(tokenizer.spec.merges, [['p', 'u'], ['h', 'u'], ['pu', 'n</w>']]);
  });

  it('stops when no pair reaches minFrequency', async () => {
    const tokenizer = await trainBpe(toyCorpus(), { vocabSize: 100, minFrequency: 10 });
    assert.deepEqual(tokenizer.spec.merges, [['p', 'u'], ['h', 'u'], ['pu', 'n</w>'], ['hu', 'g</w>']]);
  });

  it('gives the special tokens the fixed ids 0..4', async () => {
    const tokenizer = await trainBpe(['[MASK] <s> text </s>'], { vocabSize: 40 });
    assert.deepEqual(tokenizer.spec.vocab.slice(0, 5), [...SPECIAL_TOKENS]);
    assert.deepEqual(tokenizer.specialTokenIds, { unk: 0, pad: 1, mask: 2, bos: 3, eos: 4 });
  });

  it('refuses a vocabSize below the special tokens plus the initial symbols, saying how many are needed', async () => {
    await assert.rejects(trainBpe(toyCorpus(), { vocabSize: 14 }), /vocabSize 14 is too small .* 5 special tokens and 10 initial symbols .* at least 15/);
    await assert.rejects(trainBpe(toyCorpus(), { vocabSize: 2.5 }), /vocabSize must be an integer/);
  });

  it('refuses a corpus item that is not a string', async () => {
    await assert.rejects(trainBpe(['fine', 42 as unknown as string]), /corpus item 1 is a number, expected a string/);
  });
});

describe('trainBpe: determinism and streaming', () => {
  const corpus = syntheticCorpus(400);

  it('gives byte-identical tokenizer.json whatever the order and chunking of the texts', async () => {
    const first = JSON.stringify((await trainBpe(corpus, { vocabSize: 300 })).toJSON());
    const reversed = JSON.stringify((await trainBpe([...corpus].reverse(), { vocabSize: 300 })).toJSON());
    const joined = JSON.stringify((await trainBpe([corpus.join('\n')], { vocabSize: 300 })).toJSON());
    assert.equal(reversed, first);
    assert.equal(joined, first);
  });

  it('reads an async iterable, one text at a time', async () => {
    async function* stream(): AsyncGenerator<string> {
      for (const line of corpus) yield line;
    }
    const streamed = await trainBpe(stream(), { vocabSize: 300 });
    assert.deepEqual(streamed.toJSON(), (await trainBpe(corpus, { vocabSize: 300 })).toJSON());
  });

  it('trains from word counts added over shards the same as from the whole corpus', async () => {
    const counts = await countWords(corpus.slice(0, 200));
    await countWords(corpus.slice(200), counts);
    assert.deepEqual(trainBpeFromWordCounts(counts, { vocabSize: 300 }).toJSON(), (await trainBpe(corpus, { vocabSize: 300 })).toJSON());
  });
});
