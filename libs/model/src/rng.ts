/**
 * A small seeded pseudo-random generator (sfc32) whose whole state is four 32-bit words,
 * so that it can be saved in a checkpoint and restored exactly.
 */

/** The complete generator state; plain data, JSON-serialisable. */
export interface RngState {
  readonly words: readonly [number, number, number, number];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(words: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = words.map((word) => word >>> 0) as [number, number, number, number];
  }

  /** A generator seeded from an integer; equal seeds give equal streams. */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new Error(`rng seed must be a safe integer, got ${seed}`);
    const rng = new Rng([0x9e3779b9, seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, 1]);
    for (let i = 0; i < 12; i++) rng.nextUint32(); // mix the seed into every word
    return rng;
  }

  static fromState(state: RngState): Rng {
    return new Rng(state.words);
  }

  state(): RngState {
    return { words: [this.a, this.b, this.c, this.d] };
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Standard normal (Box-Muller; one of the pair is used, so the stream stays simple). */
  nextNormal(): number {
    const u = 1 - this.nextFloat(); // (0, 1], keeps log finite
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
