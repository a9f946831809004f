/**
 * Small corpora for the tests of this package (and of its users): a temporary folder and
 * generated documents in a little vocabulary, deterministic from a seed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_VOCABULARY: ReadonlySet<string> = new Set(
  'the a cat dog sat ran on in park mat sun was is it good day and then we saw big small red blue tree house'.split(' '),
);
const WORDS = [...TEST_VOCABULARY];
const OOV_WORDS = ['zebra', 'quantum', 'xylophone'];

/** A temporary folder, removed by the returned function. */
export async function temporaryFolder(): Promise<{ readonly path: string; readonly remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'corpus-io-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A deterministic pseudo-random generator (mulberry32) in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A document of sentences in TEST_VOCABULARY, with an out-of-vocabulary word now and then. */
export function generatedText(random: () => number, sentences: number): string {
  const parts: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const length = 3 + Math.floor(random() * 9);
    const words: string[] = [];
    for (let w = 0; w < length; w++) {
      const pool = random() < 0.04 ? OOV_WORDS : WORDS;
      words.push(pool[Math.floor(random() * pool.length)] as string);
    }
    const sentence = words.join(' ');
    parts.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${random() < 0.2 ? '!' : '.'}`);
  }
  return parts.join(random() < 0.5 ? ' ' : '\n');
}
