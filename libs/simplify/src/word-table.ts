/**
 * A hash table of words keyed by their UTF-8 bytes, so that the byte span filter can look a
 * word up, and the statistics count it, straight from the input bytes: no string is built
 * for a word unless it is reported.
 *
 * Words are stored ASCII-lower-cased and looked up with `A`-`Z` folded to `a`-`z` on the fly
 * (the filter's ASCII-only lower-casing, see tokens.ts). Each stored word has a dense id
 * (0, 1, 2, ... in order of insertion). Open addressing with linear probing; the slot array
 * doubles when it is half full.
 *
 * A slot holds the word's id and its key: its first 11 folded bytes and its length packed in
 * three 32-bit integers. Nearly every word is 11 bytes or shorter, and for those the key is
 * the word: a look-up compares three integers in the slot it already read, instead of
 * hashing byte by byte and then comparing the bytes stored elsewhere (which was most of the
 * corpus pipeline's time). Longer words also compare their remaining bytes.
 */
const EMPTY = -1;
/** Bytes of a word held in its key; a longer word's remaining bytes are compared in the pool. */
const KEY_BYTES = 11;
/** Int32s per slot: id, then the key's three integers. */
const SLOT = 4;

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
  /** Per slot, the word id (or EMPTY) and its key (see the class comment), side by side so that one read fetches all. */
  private slots = new Int32Array(SLOT * 1024).fill(EMPTY);
  private mask = 1023;
  /** The key of the last word packed by pack(): written there to avoid allocating a result per look-up. */
  private key0 = 0;
  private key1 = 0;
  private key2 = 0;

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
    const slot = this.slotOf(bytes, start, end);
    return this.slots[SLOT * slot] as number;
  }

  /** Id of the ASCII-lower-cased `bytes[start, end)`, stored first if it is new. */
  add(bytes: Uint8Array, start: number, end: number): number {
    const slot = this.slotOf(bytes, start, end);
    const found = this.slots[SLOT * slot] as number;
    if (found !== EMPTY) return found;
    const id = this.count++;
    this.store(id, bytes, start, end);
    this.slots.set([id, this.key0, this.key1, this.key2], SLOT * slot);
    if (this.count * 2 > this.mask) this.growSlots();
    return id;
  }

  /** The word with id `id`, as a string (decoded once). */
  word(id: number): string {
    return (this.decoded[id] ??= this.pool.toString('utf8', this.starts[id], this.starts[id + 1]));
  }

  /** The slot of `bytes[start, end)`: the one holding it, or the empty one where it would go. Leaves its key in key0-2. */
  private slotOf(bytes: Uint8Array, start: number, end: number): number {
    this.pack(bytes, start, end);
    const { key0, key1, key2, slots, mask } = this;
    for (let slot = keyHash(key0, key1, key2) & mask; ; slot = (slot + 1) & mask) {
      const at = SLOT * slot;
      const id = slots[at] as number;
      if (id === EMPTY) return slot;
      if (slots[at + 1] === key0 && slots[at + 2] === key1 && slots[at + 3] === key2 && (end - start <= KEY_BYTES || this.tailEquals(id, bytes, start, end))) {
        return slot;
      }
    }
  }

  /** Packs the folded first KEY_BYTES bytes of `bytes[start, end)` and its length into key0-2. */
  private pack(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    const packed = start + Math.min(length, KEY_BYTES);
    let key0 = 0;
    let key1 = 0;
    let key2 = Math.min(length, 255) << 24;
    let i = start;
    for (let shift = 0; i < packed && shift < 32; i++, shift += 8) key0 |= (FOLD[bytes[i] as number] as number) << shift;
    for (let shift = 0; i < packed && shift < 32; i++, shift += 8) key1 |= (FOLD[bytes[i] as number] as number) << shift;
    for (let shift = 0; i < packed; i++, shift += 8) key2 |= (FOLD[bytes[i] as number] as number) << shift;
    this.key0 = key0;
    this.key1 = key1;
    this.key2 = key2;
  }

  /** Whether the bytes after the key of stored word `id` equal the folded `bytes[start + KEY_BYTES, end)` (same length known). */
  private tailEquals(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    let at = (this.starts[id] as number) + KEY_BYTES;
    if ((this.starts[id + 1] as number) - (this.starts[id] as number) !== end - start) return false;
    const pool = this.pool;
    for (let i = start + KEY_BYTES; i < end; i++, at++) {
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
    this.slots = new Int32Array(SLOT * size).fill(EMPTY);
    this.mask = size - 1;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at] === EMPTY) continue;
      let slot = keyHash(old[at + 1] as number, old[at + 2] as number, old[at + 3] as number) & this.mask;
      while (this.slots[SLOT * slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(at, at + SLOT), SLOT * slot);
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

/** A hash of a key's three integers, mixed so that the low bits (the slot) vary (murmur3's finaliser). */
function keyHash(key0: number, key1: number, key2: number): number {
  let hash = key0 ^ Math.imul(key1, 0x9e3779b1) ^ Math.imul(key2, 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** A copy of `array` with room for at least `needed` elements. */
function grown(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(Math.max(2 * array.length, needed));
  copy.set(array);
  return copy;
}
