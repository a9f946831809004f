import { BinaryHeap } from './binary-heap.js';
import type { BpeModelSpec } from './bpe-model.js';
import { forEachPreToken } from './pre-tokenize.js';
import { SPECIAL_TOKENS } from './special-tokens.js';
import { BpeTokenizer } from './tokenizer.js';

export interface TrainBpeOptions {
  /** Tokens in the vocabulary, special tokens included (default 15,000 as in the paper). */
  readonly vocabSize?: number;
  /** A pair seen fewer times than this is never merged (default 0: any pair, as in HF). */
  readonly minFrequency?: number;
  /** Marks the last character of each word so that decoding can restore word boundaries (default `</w>`; '' for none). */
  readonly endOfWordSuffix?: string;
}

export const DEFAULT_VOCAB_SIZE = 15_000;
export const DEFAULT_END_OF_WORD_SUFFIX = '</w>';

/** Pair keys are left * KEY_STRIDE + right; vocabularies stay below it so keys are exact integers. */
const KEY_STRIDE = 1 << 21;

/** A text source: an array, a generator, a stream of strings. */
export type TextSource = Iterable<string> | AsyncIterable<string>;

/** How often each pre-token occurs in `texts`; only the counts are held in memory, not the texts. */
export async function countWords(texts: TextSource, counts = new Map<string, number>()): Promise<Map<string, number>> {
  const add = (word: string): void => {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  };
  let index = 0;
  for await (const text of texts) {
    if (typeof text !== 'string') throw new TypeError(`corpus item ${index} is a ${typeof text}, expected a string`);
    forEachPreToken(text, add);
    index++;
  }
  return counts;
}

/** Trains the paper's BPE tokenizer on a stream of texts. */
export async function trainBpe(texts: TextSource, options: TrainBpeOptions = {}): Promise<BpeTokenizer> {
  return trainBpeFromWordCounts(await countWords(texts), options);
}

/**
 * Trains from word counts (e.g. {@link countWords} of several shards added together).
 *
 * The algorithm and its tie-breaking are those of Hugging Face's `BpeTrainer`, so the merges are
 * the same as Python's for the same counts:
 * - the vocabulary starts with the special tokens (ids 0-4), then every character seen, in
 *   code point order, then (with a suffix) each word-final character plus suffix, in code point order;
 * - each step merges the adjacent pair with the highest count, counted over all positions of
 *   all words (overlaps included, `aaa` counts `a a` twice); ties go to the pair whose
 *   (left id, right id) is smallest, so earlier tokens win;
 * - a merge that makes an existing token records the merge but adds no token;
 * - training stops at `vocabSize` tokens or when no pair reaches `minFrequency` (and at least 1).
 * Nothing depends on the order in which words were seen, so the result is deterministic.
 */
export function trainBpeFromWordCounts(wordCounts: ReadonlyMap<string, number>, options: TrainBpeOptions = {}): BpeTokenizer {
  const vocabSize = options.vocabSize ?? DEFAULT_VOCAB_SIZE;
  const minFrequency = options.minFrequency ?? 0;
  const suffix = options.endOfWordSuffix ?? DEFAULT_END_OF_WORD_SUFFIX;
  if (!Number.isInteger(vocabSize) || vocabSize < SPECIAL_TOKENS.length || vocabSize >= KEY_STRIDE) {
    throw new RangeError(`vocabSize must be an integer from ${SPECIAL_TOKENS.length} to ${KEY_STRIDE - 1}, got ${vocabSize}`);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 0) throw new RangeError(`minFrequency must be a non-negative integer, got ${minFrequency}`);

  const vocab = initialVocabulary(wordCounts.keys(), suffix);
  if (vocab.length > vocabSize) {
    throw new RangeError(
      `vocabSize ${vocabSize} is too small for this corpus: its ${SPECIAL_TOKENS.length} special tokens and ` +
        `${vocab.length - SPECIAL_TOKENS.length} initial symbols (characters${suffix ? ' and word-final characters' : ''}) ` +
        `already make ${vocab.length}; use a vocabSize of at least ${vocab.length}`,
    );
  }
  const idOf = new Map(vocab.map((token, id) => [token, id]));
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    const characters = Array.from(word);
    words.push(characters.map((character, index) => idOf.get(index === characters.length - 1 ? character + suffix : character) as number));
    counts.push(count);
  }
  const merges = learnMerges(words, counts, vocab, idOf, vocabSize, Math.max(1, minFrequency));
  const spec: BpeModelSpec = { vocab, merges, endOfWordSuffix: suffix, unkToken: SPECIAL_TOKENS[0] };
  return new BpeTokenizer(spec);
}

function byCodePoint(a: string, b: string): number {
  return (a.codePointAt(0) as number) - (b.codePointAt(0) as number);
}

function initialVocabulary(words: Iterable<string>, suffix: string): string[] {
  const characters = new Set<string>();
  const finals = new Set<string>();
  for (const word of words) {
    for (const character of word) characters.add(character);
    if (suffix) finals.add(Array.from(word).at(-1) as string);
  }
  const suffixed = [...finals].sort(byCodePoint).map((character) => character + suffix);
  return [...SPECIAL_TOKENS, ...[...characters].sort(byCodePoint), ...suffixed];
}

interface PairEntry {
  readonly key: number;
  count: number;
  /** Words in which the pair was found when the entry was made (HF's `pos`). */
  readonly words: Set<number>;
}

function pairBefore(a: PairEntry, b: PairEntry): boolean {
  return a.count > b.count || (a.count === b.count && a.key < b.key);
}

function learnMerges(
  words: number[][],
  counts: readonly number[],
  vocab: string[],
  idOf: Map<string, number>,
  vocabSize: number,
  minCount: number,
): [string, string][] {
  const pairCounts = new Map<number, number>();
  const addToPair = (key: number, amount: number): void => {
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + amount);
  };
  const initialWhere = new Map<number, Set<number>>();
  words.forEach((symbols, wordIndex) => {
    for (let index = 0; index + 1 < symbols.length; index++) {
      const key = (symbols[index] as number) * KEY_STRIDE + (symbols[index + 1] as number);
      addToPair(key, counts[wordIndex] as number);
      setOf(initialWhere, key).add(wordIndex);
    }
  });
  const queue = new BinaryHeap<PairEntry>(pairBefore);
  for (const [key, where] of initialWhere) queue.push({ key, count: pairCounts.get(key) as number, words: where });

  const merges: [string, string][] = [];
  while (vocab.length < vocabSize) {
    const top = queue.pop();
    if (top === undefined) break;
    // Counts only fall after an entry is queued; a stale entry goes back with its current count.
    const current = pairCounts.get(top.key) as number;
    if (top.count !== current) {
      top.count = current;
      queue.push(top);
      continue;
    }
    if (top.count < minCount) break;
    const left = Math.floor(top.key / KEY_STRIDE);
    const right = top.key % KEY_STRIDE;
    const leftToken = vocab[left] as string;
    const rightToken = vocab[right] as string;
    const token = leftToken + rightToken;
    let merged = idOf.get(token);
    if (merged === undefined) {
      merged = vocab.length;
      vocab.push(token);
      idOf.set(token, merged);
    }
    merges.push([leftToken, rightToken]);

    const newPairsWhere = new Map<number, Set<number>>();
    for (const wordIndex of top.words) {
      const count = counts[wordIndex] as number;
      mergeWord(words[wordIndex] as number[], left, right, merged, (key, change) => {
        addToPair(key, change * count);
        if (change > 0) setOf(newPairsWhere, key).add(wordIndex);
      });
    }
    for (const [key, where] of newPairsWhere) {
      const count = pairCounts.get(key) as number;
      if (count > 0) queue.push({ key, count, words: where });
    }
  }
  return merges;
}

/** Replaces each `left right` in `symbols` by `merged`, left to right, reporting how pair counts change (as HF's `Word::merge`). */
function mergeWord(symbols: number[], left: number, right: number, merged: number, change: (key: number, delta: number) => void): void {
  for (let index = 0; index < symbols.length; index++) {
    if (symbols[index] !== left || index + 1 >= symbols.length || symbols[index + 1] !== right) continue;
    if (index > 0) {
      const before = symbols[index - 1] as number;
      change(before * KEY_STRIDE + left, -1);
      change(before * KEY_STRIDE + merged, 1);
    }
    symbols.splice(index, 2, merged);
    if (index + 1 < symbols.length) {
      const after = symbols[index + 1] as number;
      change(right * KEY_STRIDE + after, -1);
      change(merged * KEY_STRIDE + after, 1);
    }
  }
}

function setOf(map: Map<number, Set<number>>, key: number): Set<number> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
