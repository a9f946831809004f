/**
 * The held-out text of eval loss: paragraphs of the held-out books (never trained on), taken
 * in turn from each book from its start (the first paragraph of every book, then the second
 * of every book...) until `maxBytes` of UTF-8 text, so that every book is represented
 * whatever the budget. Lines are joined with single spaces, as in the training text.
 */
import type { SourceBook } from './builtin-tasks.js';

/** Default budget of held-out text: about 14,000 tokens of the paper's tokenizer. */
export const DEFAULT_HELD_OUT_BYTES = 64 * 1024;

export function heldOutParagraphs(books: readonly SourceBook[], maxBytes: number = DEFAULT_HELD_OUT_BYTES): string[] {
  if (!(maxBytes > 0)) throw new Error(`held-out text: maxBytes must be positive, got ${maxBytes}`);
  const paragraphs = books.map((book) =>
    book.text
      .replace(/\r/g, '')
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
      .filter((paragraph) => paragraph !== ''),
  );
  const taken: string[] = [];
  let bytes = 0;
  const longest = Math.max(0, ...paragraphs.map((p) => p.length));
  for (let index = 0; index < longest; index++) {
    for (const book of paragraphs) {
      const paragraph = book[index];
      if (paragraph === undefined) continue;
      const size = Buffer.byteLength(paragraph, 'utf8');
      if (bytes + size > maxBytes) return taken;
      taken.push(paragraph);
      bytes += size;
    }
  }
  return taken;
}
