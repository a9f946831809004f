/**
 * Counts strings in a map of bounded size, so that counting OOV words or word types over a
 * corpus of any size keeps memory bounded.
 *
 * Pruning rule: when the map grows past `capacity` distinct keys, every key whose count is
 * at most the median count is dropped (at least half the keys; all the hapaxes, typically).
 * A word that is frequent overall keeps coming back and stays; a dropped word that returns
 * starts again from zero. So counts are exact until the first pruning (`exact`), and after it
 * they are lower bounds for the keys that survive. The result depends only on the sequence
 * of keys, never on timing.
 */
export interface CountedKey {
  readonly key: string;
  readonly count: number;
}

export class BoundedCounter {
  private readonly counts = new Map<string, number>();
  private pruned = false;
  private largestDroppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedCounter: capacity must be a positive integer, got ${capacity}`);
    }
  }

  add(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
    if (this.counts.size > this.capacity) this.prune();
  }

  /** True while no key has been dropped: every count is the true count. */
  get exact(): boolean {
    return !this.pruned;
  }

  /** No dropped key had a larger count than this when it was dropped (0 while exact). */
  get maxDroppedCount(): number {
    return this.largestDroppedCount;
  }

  get size(): number {
    return this.counts.size;
  }

  /** All counts, in no particular order. */
  values(): IterableIterator<number> {
    return this.counts.values();
  }

  /** The `limit` largest counts, largest first, ties by key. */
  top(limit: number): CountedKey[] {
    // A selection rather than a sort of every key: the counter may hold 100,000s of keys.
    const best: CountedKey[] = [];
    if (limit < 1) return best;
    for (const [key, count] of this.counts) {
      if (best.length === limit && !comesBefore(count, key, best[limit - 1] as CountedKey)) continue;
      let at = best.length === limit ? limit - 1 : best.length;
      while (at > 0 && comesBefore(count, key, best[at - 1] as CountedKey)) {
        best[at] = best[at - 1] as CountedKey;
        at--;
      }
      best[at] = { key, count };
    }
    return best;
  }

  private prune(): void {
    const sorted = Float64Array.from(this.counts.values()).sort();
    const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
    for (const [key, count] of this.counts) {
      if (count <= median) this.counts.delete(key);
    }
    this.pruned = true;
    this.largestDroppedCount = Math.max(this.largestDroppedCount, median);
  }
}

/** Whether (count, key) ranks before `other`: larger count first, then key order. */
function comesBefore(count: number, key: string, other: CountedKey): boolean {
  return count > other.count || (count === other.count && key < other.key);
}
