import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPAN_DELIMITERS, asciiLowerCase, wordTokens } from './index.js';

describe('wordTokens', () => {
  it('splits at delimiters and digit switches, keeping non-ASCII and `\\r` inside words', () => {
    assert.deepEqual(wordTokens('On the 10th, don’t “go” a1b\r\ncafé_x'), ['On', 'the', '10', 'th', 'don’t', '“go”', 'a', '1', 'b\r', 'café_x']);
  });

  it('finds no word in delimiters alone', () => {
    assert.deepEqual(wordTokens(SPAN_DELIMITERS), []);
    assert.equal(SPAN_DELIMITERS.length, 33);
  });
});

describe('asciiLowerCase', () => {
  it('lower-cases A-Z only', () => {
    assert.equal(asciiLowerCase('CAFÉ Straße'), 'cafÉ straße');
    assert.equal(asciiLowerCase('TRUE'), 'true');
    const lower = 'already lower';
    assert.equal(asciiLowerCase(lower), lower);
  });
});
