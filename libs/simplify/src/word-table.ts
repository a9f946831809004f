/**
 * A hash table of words keyed by their UTF-8 bytes, so that the byte span filter can look a
 * word up, and the statistics count it, straight from the input bytes: no string is built
 * for a word unless it is reported.
 *
 * Words are stored ASCII-lower-cased and looked up with `A`-`Z` folded to `a`-`z` on the fly
 * (the filter's ASCII-only lower-casing, see tokens.ts). Each stored word has a dense id
 * (0, 1, 2, ... in order of insertion). Open addressing with linear probing; the slot array
 * doubles when it is half full.
 */
const EMPTY = -1;

/** Each byte ASCII-lower-cased: `A`-`Z` to `a`-`z`, every other byte as it is. */
const FOLD: Uint8Array = Uint8Array.from({ length: 256 }, (_, byte) => (byte >= 65 && byte <= 90 ? byte | 32 : byte));

export class WordTable {
  /** Bytes of all stored words, back to back (a Buffer: its toString decodes a range fastest). */
  private pool = Buffer.alloc(1024);
  private poolLength = 0;
  /** Word `id` is pool[starts[id], starts[id + 1]). */
  private starts = new Int32Array(256);
  private count = 0;
  /** Words decoded by word(), by id. */
  private readonly decoded: string[] = [];
  /** Per slot, the word id (or EMPTY) and the word's hash, side by side so that one read fetches both. */
  private slots = new Int32Array(2048).fill(EMPTY);
  private mask = 1023;

  /**
   * A table of `words` (lower-case, as a vocabulary's are). A word with an ASCII upper-case
   * letter could never equal a lower-cased token, so it is left out, as are duplicates.
   */
  static fromWords(words: Iterable<string>): WordTable {
    const table = new WordTable();
    for (const word of words) {
      if (/[A-Z]/.test(word)) continue;
      const bytes = Buffer.from(word, 'utf8');
      table.add(bytes, 0, bytes.length);
    }
    return table;
  }

  /** Number of stored words; ids run from 0 to size - 1. */
  get size(): number {
    return this.count;
  }

  /** Id of the ASCII-lower-cased `bytes[start, end)`, or -1 when it is not stored. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const hash = foldedHash(bytes, start, end);
    const slots = this.slots;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = slots[2 * slot] as number;
      if (id === EMPTY) return -1;
      if (slots[2 * slot + 1] === hash && this.equals(id, bytes, start, end)) return id;
    }
  }

  /** Id of the ASCII-lower-cased `bytes[start, end)`, stored first if it is new. */
  add(bytes: Uint8Array, start: number, end: number): number {
    const hash = foldedHash(bytes, start, end);
    let slot = hash & this.mask;
    for (; ; slot = (slot + 1) & this.mask) {
      const id = this.slots[2 * slot] as number;
      if (id === EMPTY) break;
      if (this.slots[2 * slot + 1] === hash && this.equals(id, bytes, start, end)) return id;
    }
    const id = this.count++;
    this.store(id, bytes, start, end);
    this.slots[2 * slot] = id;
    this.slots[2 * slot + 1] = hash;
    if (this.count * 2 > this.mask) this.growSlots();
    return id;
  }

  /** The word with id `id`, as a string (decoded once). */
  word(id: number): string {
    return (this.decoded[id] ??= this.pool.toString('utf8', this.starts[id], this.starts[id + 1]));
  }

  private equals(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    let at = this.starts[id] as number;
    if ((this.starts[id + 1] as number) - at !== end - start) return false;
    const pool = this.pool;
    for (let i = start; i < end; i++, at++) {
      if (pool[at] !== FOLD[bytes[i] as number]) return false;
    }
    return true;
  }

  private store(id: number, bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.poolLength + length > this.pool.length) {
      const pool = Buffer.alloc(Math.max(2 * this.pool.length, this.poolLength + length));
      this.pool.copy(pool, 0, 0, this.poolLength);
      this.pool = pool;
    }
    for (let i = start; i < end; i++) this.pool[this.poolLength++] = FOLD[bytes[i] as number] as number;
    if (id + 2 > this.starts.length) this.starts = grown(this.starts, id + 2);
    this.starts[id + 1] = this.poolLength;
  }

  private growSlots(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(2 * size).fill(EMPTY);
    this.mask = size - 1;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at] === EMPTY) continue;
      const hash = old[at + 1] as number;
      let slot = hash & this.mask;
      while (this.slots[2 * slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = old[at] as number;
      this.slots[2 * slot + 1] = hash;
    }
  }
}

/** The table of each vocabulary set seen so far; a set is taken as unchanged once used. */
const tablesOfSets = new WeakMap<ReadonlySet<string>, WordTable>();

/** The WordTable of `vocabulary`, built on first use and then kept as long as the set is. */
export function wordTableOf(vocabulary: ReadonlySet<string>): WordTable {
  let table = tablesOfSets.get(vocabulary);
  if (!table) {
    table = WordTable.fromWords(vocabulary);
    tablesOfSets.set(vocabulary, table);
  }
  return table;
}

/** FNV-1a over the folded bytes, with a final mix so that the low bits (the slot) vary. */
function foldedHash(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (FOLD[bytes[i] as number] as number), 0x01000193);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) ^ (hash >>> 12);
}

/** A copy of `array` with room for at least `needed` elements. */
function grown(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(Math.max(2 * array.length, needed));
  copy.set(array);
  return copy;
}
