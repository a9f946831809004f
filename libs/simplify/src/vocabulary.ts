/**
 * Loading a simple vocabulary for the span filter, from
 * - `csv`: the paper's `,word,frequency` file (index, word, count) or any CSV with a header
 *   naming a `word` column and optionally a `frequency` or `count` column;
 * - `plain`: one word a line;
 * - `json`: an array of words, or an object mapping word to frequency.
 *
 * Words are trimmed and ASCII-lower-cased (the span filter compares ASCII-lower-cased tokens,
 * so upper-case rows such as the paper's `TRUE`/`FALSE` must be folded too). No value is
 * coerced: `nan` stays the word "nan". Entries that look wrong are kept (the authors' filter
 * used them) but listed in the report: empty ones (dropped, they can never match), mojibake,
 * and ones with characters other than letters (which no token of the span filter can equal
 * when they hold a delimiter or mix digits and letters).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCsv } from './csv.js';
import { asciiLowerCase } from './tokens.js';

export type VocabularyFormat = 'csv' | 'plain' | 'json';

export type OddEntryReason = 'empty' | 'mojibake' | 'non-letter';

export interface OddVocabularyEntry {
  /** Where the entry is: `line 12` for CSV and word lists, `element 3` or `key "x"` for JSON. */
  readonly at: string;
  /** The entry as written. */
  readonly entry: string;
  readonly reason: OddEntryReason;
}

export interface VocabularyReport {
  /** The file path, or a description of where the words came from. */
  readonly source: string;
  readonly format: VocabularyFormat | 'derived';
  /** Entries read, including empty and duplicate ones (derived default: candidate words ranked). */
  readonly entries: number;
  /** Distinct lower-cased words in the vocabulary. */
  readonly size: number;
  /** Words (lower-cased) that occur more than once. */
  readonly duplicates: string[];
  readonly oddEntries: OddVocabularyEntry[];
}

export interface Vocabulary {
  readonly words: ReadonlySet<string>;
  /** Frequencies where the source gives them (CSV with a frequency column, JSON object), summed over duplicates. */
  readonly frequencies?: ReadonlyMap<string, number>;
  readonly report: VocabularyReport;
}

/** Thrown for a vocabulary that cannot be read; the message names the source and place. */
export class VocabularyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VocabularyError';
  }
}

interface RawEntry {
  readonly at: string;
  readonly entry: string;
  readonly frequency?: number;
}

/** Reads a vocabulary file; the format comes from the extension, else the content, unless given. */
export async function loadVocabulary(path: string, format?: VocabularyFormat): Promise<Vocabulary> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new VocabularyError(
      `cannot read vocabulary file ${path}: ${(error as Error).message}; pass the path of a CSV (,word,frequency), word-list or JSON file`,
    );
  }
  // A NUL byte never occurs in a text vocabulary: this is some other file (a model, an archive).
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new VocabularyError(`vocabulary file ${path} is binary (a NUL byte at offset ${nul}), not text; pass a CSV (,word,frequency), word-list or JSON file`);
  }
  // Not fatal: bytes that are not UTF-8 become U+FFFD and are reported as mojibake.
  const content = new TextDecoder('utf-8').decode(bytes);
  return parseVocabulary(content, format ?? detectVocabularyFormat(content, path), path);
}

/** Guesses the format of a vocabulary from its file extension, else from its first line. */
export function detectVocabularyFormat(content: string, path = ''): VocabularyFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  const start = content.trimStart();
  if (start.startsWith('[') || start.startsWith('{')) return 'json';
  const firstLine = start.slice(0, start.search(/\r?\n|$/));
  if (firstLine.includes(',') && firstLine.split(',').some((field) => field.trim().toLowerCase() === 'word')) return 'csv';
  return 'plain';
}

/** Parses vocabulary text in the given format; `source` names it in the report and errors. */
export function parseVocabulary(content: string, format: VocabularyFormat, source = 'inline vocabulary'): Vocabulary {
  const entries = format === 'csv' ? csvEntries(content, source) : format === 'json' ? jsonEntries(content, source) : plainEntries(content);
  return buildVocabulary(entries, source, format);
}

function csvEntries(content: string, source: string): RawEntry[] {
  const [header, ...rows] = parseCsv(content, source);
  if (!header) throw new VocabularyError(`${source}: the CSV vocabulary is empty; expected a header such as ",word,frequency"`);
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const wordColumn = names.indexOf('word');
  if (wordColumn < 0) {
    throw new VocabularyError(
      `${source}:${header.line}: the CSV header ${JSON.stringify(header.fields.join(','))} has no "word" column; expected a header such as ",word,frequency"`,
    );
  }
  const frequencyColumn = names.findIndex((name) => name === 'frequency' || name === 'count');
  return rows.map(({ line, fields }) => {
    if (fields.length !== names.length) {
      throw new VocabularyError(
        `${source}:${line}: expected ${names.length} fields like the header, found ${fields.length}; quote a word that contains a comma`,
      );
    }
    const entry = fields[wordColumn] as string;
    if (frequencyColumn < 0) return { at: `line ${line}`, entry };
    const text = (fields[frequencyColumn] as string).trim();
    const frequency = Number(text);
    if (text === '' || !Number.isFinite(frequency) || frequency < 0) {
      throw new VocabularyError(`${source}:${line}: frequency ${JSON.stringify(text)} is not a non-negative number`);
    }
    return { at: `line ${line}`, entry, frequency };
  });
}

function plainEntries(content: string): RawEntry[] {
  const entries: RawEntry[] = [];
  content.split('\n').forEach((line, index) => {
    // Blank lines in a word list are layout, not entries.
    if (line.trim() !== '') entries.push({ at: `line ${index + 1}`, entry: line });
  });
  return entries;
}

function jsonEntries(content: string, source: string): RawEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw new VocabularyError(`${source}${jsonErrorPlace(content, error as Error)}: not valid JSON (${(error as Error).message})`);
  }
  if (Array.isArray(value)) {
    return value.map((entry: unknown, index) => {
      if (typeof entry !== 'string') {
        throw new VocabularyError(`${source}: element ${index} of the word array is ${JSON.stringify(entry)}, expected a string`);
      }
      return { at: `element ${index}`, entry };
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([entry, frequency]: [string, unknown]) => {
      if (typeof frequency !== 'number' || !Number.isFinite(frequency) || frequency < 0) {
        throw new VocabularyError(
          `${source}: the frequency of ${JSON.stringify(entry)} is ${JSON.stringify(frequency)}, expected a non-negative number`,
        );
      }
      return { at: `key ${JSON.stringify(entry)}`, entry, frequency };
    });
  }
  throw new VocabularyError(`${source}: expected a JSON array of words or an object mapping word to frequency`);
}

/** `:line:column` of a JSON.parse error, when the message gives a position. */
function jsonErrorPlace(content: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return '';
  const before = content.slice(0, Number(position));
  const line = before.split('\n').length;
  return `:${line}:${Number(position) - before.lastIndexOf('\n')}`;
}

function buildVocabulary(entries: RawEntry[], source: string, format: VocabularyFormat): Vocabulary {
  const words = new Set<string>();
  const frequencies = new Map<string, number>();
  const duplicates = new Set<string>();
  const oddEntries: OddVocabularyEntry[] = [];
  for (const { at, entry, frequency } of entries) {
    const reason = oddEntryReason(entry);
    if (reason) oddEntries.push({ at, entry, reason });
    const word = asciiLowerCase(entry.trim());
    if (word === '') continue;
    if (words.has(word)) duplicates.add(word);
    words.add(word);
    if (frequency !== undefined) frequencies.set(word, (frequencies.get(word) ?? 0) + frequency);
  }
  const report: VocabularyReport = { source, format, entries: entries.length, size: words.size, duplicates: [...duplicates], oddEntries };
  return frequencies.size > 0 ? { words, frequencies, report } : { words, report };
}

/**
 * Mojibake: the replacement character U+FFFD (bytes that were not valid UTF-8), C1 control
 * characters, or the marks UTF-8 leaves when read as Latin-1/Windows-1252 (`Ã©`, `â€™`).
 */
const MOJIBAKE = /\uFFFD|[\u0080-\u009F]|[ÂÃ][\u00A0-\u00BF]|â€/;
const LETTERS_ONLY = /^\p{L}+$/u;

/** Why an entry is odd, or undefined for a plain word. */
export function oddEntryReason(entry: string): OddEntryReason | undefined {
  const word = entry.trim();
  if (word === '') return 'empty';
  if (MOJIBAKE.test(word)) return 'mojibake';
  if (!LETTERS_ONLY.test(word)) return 'non-letter';
  return undefined;
}
