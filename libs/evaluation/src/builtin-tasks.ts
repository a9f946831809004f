/**
 * Built-in tasks that work offline, made from the held-out children's books of the bundled
 * corpus (corpus-io `bundledHoldout()`: never trained on). Every choice below is seeded, so the
 * same seed always gives the same items. Each task has `items` (the evaluation split, at most
 * `items`, default 200) and a disjoint `train` split (at most `trainItems`, default 50) for
 * few-shot demonstrations. Candidates are gathered book by book, shuffled with the seed,
 * and dealt out: first the evaluation items, then the train items.
 *
 * - `last-word` (LAMBADA-style cloze): a passage of 3 consecutive prose sentences of one
 *   paragraph (each 4-40 words); the target is the last word of the last sentence (punctuation
 *   after it stays out of both context and target). A passage qualifies only if its target is
 *   predictable from the passage: a content word (letters only, 3+ letters, not a function
 *   word) that already occurs earlier in the passage, which is how many LAMBADA targets can
 *   be guessed from context (we have no human raters). Scored: greedy accuracy and perplexity
 *   of " " + target after the context.
 * - `book-cloze` (Children's-Book-Test-style, multiple choice): context = the 4 sentences
 *   before a query sentence, then the query sentence up to a removed word. The removed word
 *   is a content word (letters only, 4+ letters, not a function word, written lower-case)
 *   that occurs at least 3 times in the book. The 4 choices are the removed word and 3
 *   distractors of the same kind from the same book: same 2-letter suffix (so -ed, -ly, -ng,
 *   -es... match) and same frequency band (floor(log2(count in the book))), not in the query
 *   sentence, written lower-case; if fewer than 3 such words exist the item is skipped. Each
 *   choice is the candidate word followed by the rest of the query sentence, so the word is
 *   scored in its whole sentence. The gold position is drawn with the seed.
 * - `next-sentence` (multiple choice): context = 3 consecutive prose sentences; the 4
 *   choices are the true next sentence and 3 prose sentences from elsewhere in the same book
 *   (at least 20 sentences away from the context, word count within half to double the true
 *   one's, so length gives nothing away). The gold position is drawn with the seed.
 */
import { bookSentences, FUNCTION_WORDS, isProse, plainWords, type Sentence } from './sentences.js';
import { randomIndex, sample, seededRandom, shuffled, type Random } from './random.js';
import { HARNESS_PROMPT_FORMAT, type ClozeItem, type ClozeTask, type MultipleChoiceItem, type MultipleChoiceTask, type Task } from './tasks.js';

/** A book to build tasks from (a corpus-io CorpusDocument fits). */
export interface SourceBook {
  readonly id: string;
  readonly text: string;
}

export interface BuiltinTaskOptions {
  readonly seed?: number;
  readonly items?: number;
  readonly trainItems?: number;
  /**
   * Applied to all candidate items of a task before the splits are dealt, e.g. the vocabulary
   * filter, so that a simplified task still gets up to `items` items.
   */
  readonly filterCandidates?: (candidates: Task) => Task;
}

export interface BuiltinTasks {
  readonly lastWord: ClozeTask;
  readonly bookCloze: MultipleChoiceTask;
  readonly nextSentence: MultipleChoiceTask;
}

const CHOICES = 4;

function wordCount(sentence: Sentence): number {
  return plainWords(sentence.text).length;
}

/** Runs of prose sentences inside one paragraph, as windows of `size`. */
function windows(sentences: readonly Sentence[], size: number): Sentence[][] {
  const result: Sentence[][] = [];
  for (let start = 0; start + size <= sentences.length; start++) {
    const window = sentences.slice(start, start + size);
    const first = window[0] as Sentence;
    if (window.every((s) => isProse(s) && s.paragraph === first.paragraph && wordCount(s) >= 4 && wordCount(s) <= 40)) result.push(window);
  }
  return result;
}

function lastWordItems(book: SourceBook, sentences: readonly Sentence[]): ClozeItem[] {
  const items: ClozeItem[] = [];
  for (const passage of windows(sentences, 3)) {
    const text = passage.map((s) => s.text).join(' ');
    const match = /^(.*) ([A-Za-z]+)[.!?]["']?$/.exec(text);
    if (!match) continue;
    const [, context, target] = match as unknown as [string, string, string];
    const lower = target.toLowerCase();
    if (lower.length < 3 || FUNCTION_WORDS.has(lower) || !plainWords(context).includes(lower)) continue;
    items.push({ id: `last-word/${book.id}/${(passage[0] as Sentence).index}`, context, target });
  }
  return items;
}

function suffixClass(word: string): string {
  return word.slice(-2);
}

function frequencyBand(count: number): number {
  return Math.floor(Math.log2(count));
}

function bookClozeItems(book: SourceBook, sentences: readonly Sentence[], random: Random): MultipleChoiceItem[] {
  const counts = new Map<string, number>();
  for (const sentence of sentences) for (const word of plainWords(sentence.text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const isCandidate = (word: string): boolean =>
    /^[a-z]{4,}$/.test(word) && !FUNCTION_WORDS.has(word) && (counts.get(word) ?? 0) >= 3;
  const byKind = new Map<string, string[]>();
  for (const word of [...counts.keys()].sort()) {
    if (!isCandidate(word)) continue;
    const kind = `${suffixClass(word)}/${frequencyBand(counts.get(word) as number)}`;
    byKind.set(kind, [...(byKind.get(kind) ?? []), word]);
  }
  const items: MultipleChoiceItem[] = [];
  for (const window of windows(sentences, 5)) {
    const query = window[4] as Sentence;
    const tokens = [...query.text.matchAll(/[A-Za-z]+/g)].filter((m) => isCandidate(m[0]) && m.index > 0);
    if (tokens.length === 0) continue;
    const removed = tokens[randomIndex(random, tokens.length)] as RegExpMatchArray;
    const word = removed[0];
    const queryWords = new Set(plainWords(query.text));
    const sameKind = (byKind.get(`${suffixClass(word)}/${frequencyBand(counts.get(word) as number)}`) ?? []).filter((w) => !queryWords.has(w));
    if (sameKind.length < CHOICES - 1) continue;
    const rest = query.text.slice((removed.index as number) + word.length);
    const words = [word, ...sample(sameKind, CHOICES - 1, random)];
    const order = shuffled([0, 1, 2, 3], random);
    const before = window.slice(0, 4).map((s) => s.text).join(' ');
    const prefix = query.text.slice(0, removed.index as number).trimEnd();
    items.push({
      id: `book-cloze/${book.id}/${query.index}`,
      context: `${before} ${prefix}`,
      choices: order.map((i) => `${words[i] as string}${rest}`),
      gold: order.indexOf(0),
    });
  }
  return items;
}

function nextSentenceItems(book: SourceBook, sentences: readonly Sentence[], random: Random): MultipleChoiceItem[] {
  const prose = sentences.filter(isProse).map((s) => ({ sentence: s, words: wordCount(s) })).filter(({ words }) => words >= 4 && words <= 40);
  const items: MultipleChoiceItem[] = [];
  for (const window of windows(sentences, 4)) {
    const truth = window[3] as Sentence;
    const first = (window[0] as Sentence).index;
    const length = wordCount(truth);
    const others = prose.filter(
      ({ sentence, words }) => (sentence.index < first - 20 || sentence.index > truth.index + 20) && words * 2 >= length && words <= length * 2 && sentence.text !== truth.text,
    );
    if (others.length < CHOICES - 1) continue;
    const texts = [truth.text, ...sample(others, CHOICES - 1, random).map(({ sentence }) => sentence.text)];
    const order = shuffled([0, 1, 2, 3], random);
    items.push({
      id: `next-sentence/${book.id}/${first}`,
      context: window.slice(0, 3).map((s) => s.text).join(' '),
      choices: order.map((i) => texts[i] as string),
      gold: order.indexOf(0),
    });
  }
  return items;
}

/** Shuffles candidates (after `options.filterCandidates`) with the seed and deals out the evaluation and train splits. */
export function deal<T extends ClozeTask | MultipleChoiceTask>(candidates: T, random: Random, options: BuiltinTaskOptions): T {
  const chosen = (options.filterCandidates ? options.filterCandidates(candidates) : candidates) as T;
  const all = shuffled<T['items'][number]>(chosen.items, random);
  const n = options.items ?? 200;
  return { ...chosen, items: all.slice(0, n), train: all.slice(n, n + (options.trainItems ?? 50)) };
}

/** Builds the three built-in tasks from `books` (e.g. corpus-io's `bundledHoldout()`). */
export function buildBuiltinTasks(books: readonly SourceBook[], options: BuiltinTaskOptions = {}): BuiltinTasks {
  const seed = options.seed ?? 1;
  // One stream per task, so changing one task's rules does not reshuffle the others.
  const clozeRandom = seededRandom(seed * 3 + 1);
  const nextRandom = seededRandom(seed * 3 + 2);
  const lastWord: ClozeItem[] = [];
  const bookCloze: MultipleChoiceItem[] = [];
  const nextSentence: MultipleChoiceItem[] = [];
  for (const book of books) {
    const sentences = bookSentences(book.text);
    lastWord.push(...lastWordItems(book, sentences));
    bookCloze.push(...bookClozeItems(book, sentences, clozeRandom));
    nextSentence.push(...nextSentenceItems(book, sentences, nextRandom));
  }
  const format = HARNESS_PROMPT_FORMAT;
  return {
    lastWord: deal<ClozeTask>(
      { kind: 'cloze', name: 'builtin/last-word', format, items: lastWord, description: 'LAMBADA-style last word of a 3-sentence passage; target repeated in the passage' },
      seededRandom(seed * 3),
      options,
    ),
    bookCloze: deal<MultipleChoiceTask>(
      { kind: 'multiple-choice', name: 'builtin/book-cloze', format, items: bookCloze, description: "Children's-Book-Test-style cloze; 3 distractors of the same suffix and frequency band from the same book" },
      clozeRandom,
      options,
    ),
    nextSentence: deal<MultipleChoiceTask>(
      { kind: 'multiple-choice', name: 'builtin/next-sentence', format, items: nextSentence, description: 'true next sentence vs 3 sentences of similar length from elsewhere in the same book' },
      nextRandom,
      options,
    ),
  };
}
