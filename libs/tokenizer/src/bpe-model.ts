import { BinaryHeap } from './binary-heap.js';

/** What a BPE model is made of; the same fields as tokenizer.json's `model`. */
export interface BpeModelSpec {
  /** Token of each id. */
  readonly vocab: readonly string[];
  /** Merges in rank order (first learned first). */
  readonly merges: readonly (readonly [string, string])[];
  /** Appended to the last character of every word ('' for none), as in Sennrich et al. */
  readonly endOfWordSuffix: string;
  /** The token that stands for a character outside the vocabulary. */
  readonly unkToken: string;
}

interface MergeCandidate {
  readonly rank: number;
  readonly position: number;
}

function mergeBefore(a: MergeCandidate, b: MergeCandidate): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.position < b.position);
}

/**
 * Encodes one pre-token with the merges, exactly as Hugging Face's `BPE` model does: each
 * character (the last one with the suffix) becomes its token or `[UNK]`, then the adjacent pair
 * of lowest merge rank is merged, leftmost first, until no pair has a merge.
 */
export class BpeModel {
  readonly idOf: ReadonlyMap<string, number>;
  readonly unkId: number;
  private readonly keyStride: number;
  /** Pair key (left * keyStride + right) -> merge rank; a later duplicate wins, as in HF. */
  private readonly rankOf = new Map<number, number>();
  /** Id of the token each merge produces, by rank. */
  private readonly mergedId: Int32Array;

  constructor(readonly spec: BpeModelSpec) {
    const idOf = new Map<string, number>();
    spec.vocab.forEach((token, id) => idOf.set(token, id));
    this.idOf = idOf;
    const unkId = idOf.get(spec.unkToken);
    if (unkId === undefined) throw new Error(`the unknown token ${JSON.stringify(spec.unkToken)} is not in the vocabulary`);
    this.unkId = unkId;
    this.keyStride = spec.vocab.length;
    this.mergedId = new Int32Array(spec.merges.length);
    spec.merges.forEach(([left, right], rank) => {
      const leftId = idOf.get(left);
      const rightId = idOf.get(right);
      const mergedId = idOf.get(left + right);
      if (leftId === undefined || rightId === undefined || mergedId === undefined) {
        const missing = [left, right, left + right].find((token) => !idOf.has(token));
        throw new Error(`merge ${rank} (${JSON.stringify(left)} ${JSON.stringify(right)}) uses ${JSON.stringify(missing)}, which is not in the vocabulary`);
      }
      this.rankOf.set(leftId * this.keyStride + rightId, rank);
      this.mergedId[rank] = mergedId;
    });
  }

  /** The ids of `word` (one pre-token). */
  encodeWord(word: string): number[] {
    const symbols = this.characterIds(word);
    if (symbols.length < 2) return symbols;
    return this.mergeAll(symbols);
  }

  private characterIds(word: string): number[] {
    const ids: number[] = [];
    const suffix = this.spec.endOfWordSuffix;
    for (let index = 0; index < word.length; ) {
      const code = word.charCodeAt(index);
      const next = word.charCodeAt(index + 1); // NaN past the end
      const width = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
      const character = word.slice(index, index + width);
      index += width;
      const token = index >= word.length ? character + suffix : character;
      ids.push(this.idOf.get(token) ?? this.unkId);
    }
    return ids;
  }

  private mergeAll(symbols: number[]): number[] {
    const count = symbols.length;
    const next = Int32Array.from({ length: count }, (_, index) => (index + 1 < count ? index + 1 : -1));
    const previous = Int32Array.from({ length: count }, (_, index) => index - 1);
    const alive = new Uint8Array(count).fill(1);
    const queue = new BinaryHeap<MergeCandidate>(mergeBefore);
    const enqueue = (position: number): void => {
      const right = next[position] as number;
      if (right < 0) return;
      const rank = this.rankOf.get((symbols[position] as number) * this.keyStride + (symbols[right] as number));
      if (rank !== undefined) queue.push({ rank, position });
    };
    for (let position = 0; position + 1 < count; position++) enqueue(position);
    for (let candidate = queue.pop(); candidate !== undefined; candidate = queue.pop()) {
      const { rank, position } = candidate;
      const right = next[position] as number;
      // Stale candidates: the left symbol was merged away, or the pair now there makes another
      // token (HF compares the produced token, not the rank, so this does too).
      if (!alive[position] || right < 0) continue;
      const currentRank = this.rankOf.get((symbols[position] as number) * this.keyStride + (symbols[right] as number));
      const mergedId = this.mergedId[rank] as number;
      if (currentRank === undefined || this.mergedId[currentRank] !== mergedId) continue;
      symbols[position] = mergedId;
      alive[right] = 0;
      const afterRight = next[right] as number;
      next[position] = afterRight;
      if (afterRight >= 0) previous[afterRight] = position;
      const before = previous[position] as number;
      if (before >= 0) enqueue(before);
      enqueue(position);
    }
    const merged: number[] = [];
    for (let position = 0; position >= 0; position = next[position] as number) merged.push(symbols[position] as number);
    return merged;
  }
}
