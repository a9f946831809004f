import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WordTable, spanFilterBytes } from '@downscale/simplify';
import { SAMPLE_TEXT_BYTES, SpanSampler, type KeyedSpanSample } from './span-samples.js';
import { TEST_VOCABULARY } from './testing.js';

const table = WordTable.fromWords(TEST_VOCABULARY);
// An OOV word is kept once it is the 10th word of a span, a second one from the 20th word on.
const FILTER = { minWords: 6, maxOovFraction: 0.1 };

function sampleOf(text: string): KeyedSpanSample[] {
  const bytes = Buffer.from(text);
  const sampler = new SpanSampler();
  sampler.add({ id: 'doc' }, bytes, spanFilterBytes(bytes, table, FILTER));
  return sampler.finish();
}

/** `[start, end)` of `word` in `text` relative to `from`, found in the string (not from bytes). */
function rangeOf(text: string, word: string, from = 0): [number, number] {
  const start = text.indexOf(word, from);
  assert.ok(start >= 0, word);
  return [start - from, start - from + word.length];
}

describe('SpanSampler', () => {
  it('marks the kept OOV words in UTF-16 offsets of the text and names the OOV word that ended the span', () => {
    // 日本 is the 10th word (kept), 😀 (two UTF-16 units, four bytes) the 22nd, Quantum the 33rd;
    // Xylophone makes 4 of 34 and ends the span. The last span ends with the document.
    const first = 'The cat sat on the mat and then the 日本 dog ran in the park. The big dog saw a red 😀 tree and the sun. Then we saw the small cat, Quantum';
    const second = 'A dog sat on a mat in the park and the sun was good.';
    const text = `${first} Xylophone day.\n${second}\n`;
    const samples = sampleOf(text);
    assert.deepEqual(
      samples.map(({ key: _key, ...sample }) => sample),
      [
        { doc: 'doc', words: 33, text: first, truncated: false, oovRanges: ['日本', '😀', 'Quantum'].map((word) => rangeOf(first, word)), endingOovWord: 'Xylophone' },
        { doc: 'doc', words: 14, text: second, truncated: false, oovRanges: [], endingOovWord: null },
      ],
    );
    const [start, end] = samples[0]?.oovRanges[1] ?? [];
    assert.equal(first.slice(start, end), '😀');
  });

  it('cuts a long span on a character boundary and keeps the OOV words inside the cut', () => {
    let head = 'The cat sat on the mat and then the big dog saw a zebra. ';
    while (head.length < SAMPLE_TEXT_BYTES - 1) head += 'the dog ran. ';
    head = head.slice(0, SAMPLE_TEXT_BYTES - 1);
    // 日 spans bytes 1999-2001: the cut at byte 2000 moves back before it, leaving 日本 out.
    const [sample] = sampleOf(`${head}日本 and the sun.`);
    assert.equal(sample?.text, head);
    assert.equal(sample?.truncated, true);
    assert.deepEqual(sample?.oovRanges, [rangeOf(head, 'zebra')]);
    assert.equal(sample?.endingOovWord, null);
  });

  it('keeps nothing of a document without spans', () => {
    assert.deepEqual(sampleOf('Zebra quantum xylophone.'), []);
  });
});
