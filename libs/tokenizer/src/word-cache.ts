import { HASH_SEED, hashStep } from './pre-tokenize.js';

/** Past this many words the cache is emptied (text is Zipfian: the frequent words come back at once). */
const MAX_WORDS = 1 << 17;

/**
 * Ids of the words seen so far, looked up by a span of the text and its hash, so that the
 * encoder's hot path slices no strings: an open-addressing table with linear probing.
 */
export class WordCache {
  private words: (string | undefined)[] = [];
  private hashes = new Int32Array(0);
  private ids: (Int32Array | undefined)[] = [];
  private mask = 0;
  private count = 0;

  constructor() {
    this.reset(1 << 12);
  }

  /** Ids of `text[start, end)` (whose hash is `hash`), or undefined if not cached. */
  get(text: string, start: number, end: number, hash: number): Int32Array | undefined {
    const length = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const word = this.words[slot];
      if (word === undefined) return undefined;
      if (this.hashes[slot] === hash && word.length === length && sameText(word, text, start)) return this.ids[slot];
    }
  }

  set(word: string, ids: Int32Array): void {
    if (this.count >= MAX_WORDS) this.reset(this.words.length);
    else if (2 * (this.count + 1) > this.words.length) this.grow();
    this.insert(word, hashOf(word), ids);
  }

  private insert(word: string, hash: number, ids: Int32Array): void {
    let slot = hash & this.mask;
    while (this.words[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.words[slot] = word;
    this.hashes[slot] = hash;
    this.ids[slot] = ids;
    this.count++;
  }

  private reset(capacity: number): void {
    this.words = new Array<string | undefined>(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.ids = new Array<Int32Array | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.count = 0;
  }

  private grow(): void {
    const { words, hashes, ids } = this;
    this.reset(2 * words.length);
    words.forEach((word, slot) => {
      if (word !== undefined) this.insert(word, hashes[slot] as number, ids[slot] as Int32Array);
    });
  }
}

function hashOf(word: string): number {
  let hash = HASH_SEED;
  for (let index = 0; index < word.length; index++) hash = hashStep(hash, word.charCodeAt(index));
  return hash;
}

function sameText(word: string, text: string, start: number): boolean {
  for (let index = 0; index < word.length; index++) {
    if (word.charCodeAt(index) !== text.charCodeAt(start + index)) return false;
  }
  return true;
}
