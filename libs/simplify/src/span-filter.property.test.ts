// The fast span filter against a deliberately plain re-implementation of the rule in
// PAPER.md section 1 (token list first, then a walk), on thousands of random documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spanFilter, wordTokens, type SpanFilterResult } from './index.js';

interface ReferenceOptions {
  minWords: number;
  maxOovFraction: number;
  fromSentenceStart: boolean;
}

interface Token {
  text: string;
  isDelimiter: boolean;
}

const DELIMITERS = [' ', '.', ',', ':', ';', '?', '!', '\n', '\t', '-', '(', ')', '[', ']', '{', '}', '=', '<', '>', '"', "'", '&', '^', '%', '$', '#', '@', '*', '+', '/', '|', '\\', '~'];
const SENTENCE_ENDS = ['.', '?', '!', '\n'];

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function referenceTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  for (const char of text.split('')) {
    if (DELIMITERS.includes(char)) {
      if (word !== '') tokens.push({ text: word, isDelimiter: false });
      word = '';
      tokens.push({ text: char, isDelimiter: true });
    } else if (word !== '' && isDigit(char) !== isDigit(word[word.length - 1] as string)) {
      tokens.push({ text: word, isDelimiter: false });
      word = char;
    } else {
      word += char;
    }
  }
  if (word !== '') tokens.push({ text: word, isDelimiter: false });
  return tokens;
}

function lowerAscii(text: string): string {
  return text
    .split('')
    .map((char) => (char >= 'A' && char <= 'Z' ? char.toLowerCase() : char))
    .join('');
}

function referenceSpanFilter(text: string, vocabulary: Set<string>, options: ReferenceOptions): SpanFilterResult {
  const result = { spans: [] as SpanFilterResult['spans'], wordsIn: 0, oovWords: [] as string[] };
  let span: string[] = [];
  let words = 0;
  let oov = 0;
  let sentenceStart = true;

  const endSpan = (spanWords: number, spanOov: number, countedWords: number): void => {
    const trimmed = span.join('').replace(/[ \n]+$/, '');
    if (countedWords > options.minWords && trimmed !== '') result.spans.push({ text: trimmed, words: spanWords, oov: spanOov });
  };

  for (const token of referenceTokens(text)) {
    if (!token.isDelimiter) result.wordsIn++;
    if (span.length === 0) {
      if (options.fromSentenceStart && !sentenceStart) {
        sentenceStart = SENTENCE_ENDS.includes(token.text);
        continue;
      }
      if (token.text === ' ' || token.text === '\n') continue;
    }
    if (token.isDelimiter) {
      span.push(token.text);
      continue;
    }
    words++;
    const lower = lowerAscii(token.text);
    if (vocabulary.has(lower) || /^[0-9]+$/.test(token.text)) {
      span.push(token.text);
      continue;
    }
    oov++;
    result.oovWords.push(lower);
    if (oov / Math.max(words, options.minWords) <= options.maxOovFraction) {
      span.push(token.text);
      continue;
    }
    endSpan(words - 1, oov - 1, words);
    span = [];
    words = 0;
    oov = 0;
    sentenceStart = false;
  }
  endSpan(words, oov, words);
  return result;
}

/** mulberry32: a small seeded generator, so every run tests the same documents. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY_WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'we', 'go', 'don', 't', 'th', 'café', 'naïve'];
const OOV_WORDS = ['zebra', 'yak', 'Quux', 'don’t', '“the”', 'CAFÉ', 'naÏve', 'snake_case', 'back`tick', '日本', '😀', 'x\r'];
const PUNCTUATION = [...DELIMITERS, '\r\n', '\r', '...', '?!', ' - ', '\n\n'];
const NUMBERS = ['10th', '2024', '3.14', 'a1b', '007', '1st', '12:30'];

function randomDocument(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const vocabularyShare = 0.5 + random() * 0.5;
  const length = Math.floor(random() * random() * 400);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = random();
    if (roll < 0.55) {
      if (random() < vocabularyShare) {
        const word = pick(VOCABULARY_WORDS);
        const casing = random();
        text += casing < 0.8 ? word : casing < 0.9 ? word.toUpperCase() : word[0]?.toUpperCase() + word.slice(1);
      } else {
        text += pick(OOV_WORDS);
      }
      text += random() < 0.85 ? ' ' : '';
    } else if (roll < 0.9) {
      text += pick(PUNCTUATION);
    } else {
      text += pick(NUMBERS);
    }
  }
  return text;
}

const OPTION_SETS: ReferenceOptions[] = [
  { minWords: 32, maxOovFraction: 0.01, fromSentenceStart: true },
  { minWords: 32, maxOovFraction: 0.01, fromSentenceStart: false },
  { minWords: 2, maxOovFraction: 0.5, fromSentenceStart: false },
  { minWords: 0, maxOovFraction: 0, fromSentenceStart: true },
  { minWords: 5, maxOovFraction: 0.2, fromSentenceStart: true },
  { minWords: 1, maxOovFraction: 1, fromSentenceStart: false },
];

describe('spanFilter against the plain reference implementation', () => {
  it('agrees exactly on 3,000 random documents under several option sets', () => {
    const random = randomGenerator(20241128);
    const vocabulary = new Set(VOCABULARY_WORDS);
    let spans = 0;
    let keptOov = 0;
    for (let documentIndex = 0; documentIndex < 3000; documentIndex++) {
      const text = randomDocument(random);
      const options = OPTION_SETS[documentIndex % OPTION_SETS.length] as ReferenceOptions;
      const expected = referenceSpanFilter(text, vocabulary, options);
      assert.deepEqual(spanFilter(text, vocabulary, options), expected, `document ${documentIndex}: ${JSON.stringify(text)}`);
      assert.deepEqual(wordTokens(text), referenceTokens(text).filter((token) => !token.isDelimiter).map((token) => token.text));
      spans += expected.spans.length;
      keptOov += expected.spans.reduce((sum, span) => sum + span.oov, 0);
    }
    // The comparison means something only if the documents produce spans and kept OOV words.
    assert.ok(spans > 1000, `only ${spans} spans were emitted`);
    assert.ok(keptOov > 100, `only ${keptOov} OOV words were kept`);
  });

  it('agrees with the default options on long, mostly in-vocabulary documents', () => {
    const random = randomGenerator(7);
    const vocabulary = new Set(VOCABULARY_WORDS);
    const options = OPTION_SETS[0] as ReferenceOptions;
    let keptOov = 0;
    for (let documentIndex = 0; documentIndex < 200; documentIndex++) {
      const parts: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const roll = random();
        parts.push(roll < 0.004 ? 'zebra' : roll < 0.01 ? '.\n' : (VOCABULARY_WORDS[Math.floor(random() * 9)] as string));
      }
      const text = parts.join(' ');
      const expected = referenceSpanFilter(text, vocabulary, options);
      assert.deepEqual(spanFilter(text, vocabulary, options), expected, `document ${documentIndex}`);
      keptOov += expected.spans.reduce((sum, span) => sum + span.oov, 0);
    }
    assert.ok(keptOov > 50, `only ${keptOov} OOV words were kept`);
  });
});
