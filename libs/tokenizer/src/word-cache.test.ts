import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachPreTokenSpan } from './pre-tokenize.js';
import { WordCache } from './word-cache.js';

/** Looks `word` up as the encoder does: as a span of a longer text, with the scan's hash. */
function lookUp(cache: WordCache, word: string): Int32Array | undefined {
  const text = `( ${word} )`;
  let found: Int32Array | undefined;
  forEachPreTokenSpan(text, (start, end, hash) => {
    if (text.slice(start, end) === word) found = cache.get(text, start, end, hash);
  });
  return found;
}

describe('WordCache', () => {
  it('finds each word it was given, through growth, and nothing else', () => {
    const cache = new WordCache();
    const words = Array.from({ length: 20_000 }, (_, index) => `w${index.toString(36)}`);
    words.forEach((word, index) => cache.set(word, Int32Array.of(index)));
    words.forEach((word, index) => assert.deepEqual(lookUp(cache, word), Int32Array.of(index), word));
    assert.equal(lookUp(cache, 'w'), undefined);
    assert.equal(lookUp(cache, 'wzzzzz'), undefined);
  });

  it('empties itself when full and keeps working', () => {
    const cache = new WordCache();
    const count = (1 << 17) + 10;
    for (let index = 0; index < count; index++) cache.set(`x${index}`, Int32Array.of(index));
    assert.equal(lookUp(cache, 'x5'), undefined, 'the first words were dropped');
    assert.deepEqual(lookUp(cache, `x${count - 1}`), Int32Array.of(count - 1));
  });

  it('tells apart words of the same hash', () => {
    // 7yzx and e6ad collide under 32-bit FNV-1a (found by search); the test checks that they do.
    const hashes: number[] = [];
    forEachPreTokenSpan('7yzx e6ad', (_start, _end, hash) => hashes.push(hash));
    assert.equal(hashes[0], hashes[1]);
    const cache = new WordCache();
    cache.set('7yzx', Int32Array.of(1));
    assert.equal(lookUp(cache, 'e6ad'), undefined);
    cache.set('e6ad', Int32Array.of(2));
    assert.deepEqual(lookUp(cache, '7yzx'), Int32Array.of(1));
    assert.deepEqual(lookUp(cache, 'e6ad'), Int32Array.of(2));
  });
});
