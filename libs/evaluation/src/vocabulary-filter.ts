/**
 * The paper's vocabulary filter for task items (PAPER.md section 5), producing the simplified
 * version of a task and a report of what was dropped and why.
 *
 * Whole-example rule (the default mode): an item is kept only if every word of all its text
 * fields (multiple choice: context and every choice; minimal pair: both sentences; cloze:
 * context and target) is in the vocabulary. Which tokens are "words" is set by `wordRule`:
 * - 'span-filter' (default): exactly the span filter's tokens (simplify's `wordTokens`); a
 *   word passes if it is all ASCII digits or its ASCII-lower-cased form is in the vocabulary,
 *   as in the span filter's step 4. So corpus and tasks are simplified by the same rule.
 * - 'paper': the paper's own task rule: join the fields with spaces, split on spaces (any
 *   whitespace: harness prompts have line breaks), ignore
 *   capitalised tokens (first letter upper-case, past any opening quote) except the first, lower-case, delete digits, break tokens at
 *   ! : & " “ ” - _ , @ # $ ? ; ' ‘ ’ . ( ) and the em-dash (we read "delete" as a break, since
 *   the fragments nt s re t d ll the paper then drops only arise that way), drop empty tokens
 *   and those fragments.
 *
 * Span-trimming (`mode: 'span-trim'`, the paper's SST-2 figure): a multiple-choice item's
 * context is cut down to its in-vocabulary spans (the span filter with no minimum length, no
 * OOV allowance, spans opening anywhere), joined by a space. As in the span filter, a word
 * before the first OOV word still makes a span (`The zebra sat` -> `The sat`); the choices must still pass the
 * whole-example rule, and an item whose context trims to nothing is dropped. Minimal pairs
 * and cloze items are never trimmed (trimming would break the pair or separate the cloze
 * target from its context): they use the whole-example rule in both modes.
 */
import { asciiLowerCase, spanFilter, wordTokens } from '@downscale/simplify';
import type { ClozeItem, MinimalPairItem, MultipleChoiceItem, Task } from './tasks.js';

export type WordRule = 'span-filter' | 'paper';
export type VocabularyFilterMode = 'whole-example' | 'span-trim';

export interface VocabularyFilterOptions {
  readonly mode?: VocabularyFilterMode;
  readonly wordRule?: WordRule;
}

export interface OovWordCount {
  readonly word: string;
  /** Dropped items in which this word occurs. */
  readonly items: number;
}

export interface VocabularyFilterReport {
  readonly task: string;
  readonly mode: VocabularyFilterMode;
  readonly wordRule: WordRule;
  readonly total: number;
  readonly kept: number;
  readonly dropped: number;
  /** Items whose context was shortened by span-trimming (kept ones). */
  readonly trimmed: number;
  /** The OOV words that made items drop, most items first (ties alphabetical). */
  readonly oovWords: OovWordCount[];
}

export interface SimplifiedTask<T extends Task = Task> {
  readonly task: T;
  readonly report: VocabularyFilterReport;
}

const PAPER_BREAK_CHARACTERS = /[!:&"“”\-_,@#$?;'‘’.()—]/g;
const PAPER_FRAGMENTS = new Set(['nt', 's', 're', 't', 'd', 'll']);

/** The words of `fields` under the paper's task rule, lower-cased. */
export function paperWords(fields: readonly string[]): string[] {
  const words: string[] = [];
  let first = true;
  // Any whitespace separates tokens: prompts have line breaks ("...\nAnswer:"), which the paper's single-line fields did not.
  for (const token of fields.join(' ').split(/\s+/)) {
    if (token === '') continue;
    const capitalised = /^[^A-Za-z]*[A-Z]/.test(token); // first letter, past any opening quote
    if (capitalised && !first) continue;
    first = false;
    const pieces = token.toLowerCase().replace(/[0-9]/g, '').replace(PAPER_BREAK_CHARACTERS, ' ').split(' ');
    for (const piece of pieces) if (piece !== '' && !PAPER_FRAGMENTS.has(piece)) words.push(piece);
  }
  return words;
}

/** The distinct OOV words of `fields` (lower-cased), in order of first occurrence. */
export function oovWords(fields: readonly string[], vocabulary: ReadonlySet<string>, wordRule: WordRule = 'span-filter'): string[] {
  const oov = new Set<string>();
  if (wordRule === 'paper') {
    for (const word of paperWords(fields)) if (!vocabulary.has(word)) oov.add(word);
  } else {
    for (const field of fields) {
      for (const word of wordTokens(field)) {
        if (/^[0-9]+$/.test(word)) continue;
        const lower = asciiLowerCase(word);
        if (!vocabulary.has(lower)) oov.add(lower);
      }
    }
  }
  return [...oov];
}

/** The in-vocabulary spans of `text` joined by a space ('' if none). */
export function trimToVocabulary(text: string, vocabulary: ReadonlySet<string>): string {
  const { spans } = spanFilter(text, vocabulary, { minWords: 0, maxOovFraction: 0, fromSentenceStart: false });
  return spans.map((span) => span.text).join(' ');
}

type Verdict<Item> = { item: Item; trimmed: boolean } | { oov: string[] };

function textFields(item: MultipleChoiceItem | MinimalPairItem | ClozeItem): string[] {
  if ('choices' in item) return [item.context, ...item.choices];
  if ('good' in item) return [item.good, item.bad];
  return [item.context, item.target];
}

function wholeExample<Item extends MultipleChoiceItem | MinimalPairItem | ClozeItem>(item: Item, vocabulary: ReadonlySet<string>, wordRule: WordRule): Verdict<Item> {
  const oov = oovWords(textFields(item), vocabulary, wordRule);
  return oov.length === 0 ? { item, trimmed: false } : { oov };
}

function spanTrimmed(item: MultipleChoiceItem, vocabulary: ReadonlySet<string>, wordRule: WordRule): Verdict<MultipleChoiceItem> {
  const choiceOov = oovWords(item.choices, vocabulary, wordRule);
  const context = trimToVocabulary(item.context, vocabulary);
  if (choiceOov.length > 0 || (context === '' && item.context.trim() !== '')) {
    return { oov: [...new Set([...choiceOov, ...oovWords([item.context], vocabulary, wordRule)])] };
  }
  const trimmed = context !== item.context.trim();
  return { item: trimmed ? { ...item, context } : item, trimmed };
}

/** The simplified version of `task` and the report of what was kept and dropped. */
export function simplifyTask<T extends Task>(task: T, vocabulary: ReadonlySet<string>, options: VocabularyFilterOptions = {}): SimplifiedTask<T> {
  const mode = options.mode ?? 'whole-example';
  const wordRule = options.wordRule ?? 'span-filter';
  const judge = (item: MultipleChoiceItem | MinimalPairItem | ClozeItem): Verdict<typeof item> =>
    mode === 'span-trim' && 'choices' in item ? spanTrimmed(item, vocabulary, wordRule) : wholeExample(item, vocabulary, wordRule);
  const kept: (MultipleChoiceItem | MinimalPairItem | ClozeItem)[] = [];
  const oovCounts = new Map<string, number>();
  let trimmed = 0;
  for (const item of task.items) {
    const verdict = judge(item);
    if ('item' in verdict) {
      kept.push(verdict.item);
      if (verdict.trimmed) trimmed++;
    } else {
      for (const word of verdict.oov) oovCounts.set(word, (oovCounts.get(word) ?? 0) + 1);
    }
  }
  const oov = [...oovCounts]
    .map(([word, items]) => ({ word, items }))
    .sort((a, b) => b.items - a.items || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  // Few-shot demonstrations must be simple too: the train split goes through the same rule.
  const train = task.train?.filter((item) => 'item' in judge(item));
  const simplified = { ...task, name: `${task.name}:simplified`, items: kept, ...(train ? { train } : {}) } as T;
  return {
    task: simplified,
    report: { task: task.name, mode, wordRule, total: task.items.length, kept: kept.length, dropped: task.items.length - kept.length, trimmed, oovWords: oov },
  };
}
