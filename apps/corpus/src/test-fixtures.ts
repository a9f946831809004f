/** Fixtures shared by the corpus service's tests. */

/** The vocabulary of the test corpora. */
export const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'big', 'red', 'ball'];

/** `count` words of simple text, as sentences of 8 words. */
export function simpleText(count: number, offset = 0): string {
  const sentence: string[] = [];
  const sentences: string[] = [];
  for (let i = 0; i < count; i++) {
    sentence.push(words[(i * 7 + offset) % words.length]!);
    if (sentence.length === 8) sentences.push(`${sentence.splice(0).join(' ')}.`);
  }
  if (sentence.length) sentences.push(`${sentence.join(' ')}.`);
  return sentences.join(' ');
}
