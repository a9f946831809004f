import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preTokenize } from './index.js';

describe('preTokenize: the paper regex \\w+|[^\\w\\s]+ with Oniguruma classes', () => {
  it('splits words from runs of punctuation and drops whitespace', () => {
    assert.deepEqual(preTokenize("Hello, world!! don't  stop...\n10th\ta_b"), ['Hello', ',', 'world', '!!', 'don', "'", 't', 'stop', '...', '10th', 'a_b']);
  });

  it('keeps Unicode letters, marks and digits in words', () => {
    assert.deepEqual(preTokenize('café naïve e\u0301 日本語 ٣٤ Ⅻ ²³½'), ['café', 'naïve', 'e\u0301', '日本語', '٣٤', 'Ⅻ', '²³½']);
  });

  it('treats every White_Space character as a separator, and U+FEFF, ZWJ and emoji as symbols', () => {
    assert.deepEqual(preTokenize('a\u00A0b\u3000c\u0085d\u2028e'), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(preTokenize('x\uFEFFy a\u200Db 🙂🙂!'), ['x', '\uFEFF', 'y', 'a', '\u200D', 'b', '🙂🙂!']);
  });

  it('keeps astral letters whole and a lone surrogate as a symbol', () => {
    assert.deepEqual(preTokenize('𝒜𝒷c \uD800x'), ['𝒜𝒷c', '\uD800', 'x']);
  });

  it('gives nothing for empty or blank text', () => {
    assert.deepEqual(preTokenize(''), []);
    assert.deepEqual(preTokenize(' \n\t '), []);
  });
});
