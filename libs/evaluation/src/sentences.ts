/**
 * Sentences of a plain-text book (Gutenberg style: hard-wrapped lines, blank lines between
 * paragraphs), for building tasks. Deliberately plain: paragraphs are split at sentence-final
 * punctuation (optionally followed by a closing quote) before a capital or an opening quote,
 * except after a title abbreviation.
 * Sentences with editorial marks (`[`, `]`, `_`, `*`) or non-ASCII characters are left out,
 * so the tasks contain story prose only.
 */
export interface Sentence {
  readonly text: string;
  /** Position in the book (consecutive sentences have consecutive indices). */
  readonly index: number;
  /** Paragraph number: tasks keep contexts inside one paragraph run when they need to. */
  readonly paragraph: number;
}

// Not after a title such as "Mr." (Burgess's "Mr. Sun", Edgeworth's "Mrs. Theresa").
const SENTENCE_BOUNDARY = /(?<!\b(?:Mr|Mrs|Ms|Dr|St)\.)(?<=[.!?]["'’”]?)\s+(?=["'‘“]?[A-Z])/;
const EDITORIAL_MARKS = /[[\]_*]/;
const NON_ASCII = /[^\x20-\x7e]/;

export function bookSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  const paragraphs = text.replace(/\r/g, '').split(/\n\s*\n/);
  paragraphs.forEach((paragraph, paragraphIndex) => {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    if (flat === '') return;
    for (const piece of flat.split(SENTENCE_BOUNDARY)) {
      const sentence = piece.trim();
      if (sentence === '') continue;
      sentences.push({ text: sentence, index: sentences.length, paragraph: paragraphIndex });
    }
  });
  return sentences;
}

/** Story prose: no editorial marks, plain ASCII, a sentence-final mark at the end. */
export function isProse(sentence: Sentence): boolean {
  return !EDITORIAL_MARKS.test(sentence.text) && !NON_ASCII.test(sentence.text) && /[.!?]["']?$/.test(sentence.text);
}

/** Words of a sentence for counting: letters and inner apostrophes, lower-cased. */
export function plainWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? []) as string[];
}

/** Common function words: never chosen as cloze or last-word targets. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  ('a an the and or but if so as at by for from in into of off on onto out over to up with about after before ' +
    'i me my we us our you your he him his she her it its they them their this that these those who whom whose which what ' +
    'is am are was were be been being have has had do does did will would shall should can could may might must ' +
    'not no nor too very just then than there here when where why how all any each every some such own same other ' +
    'said says say one two down again once more most much many only also now well back away yes oh').split(' '),
);
