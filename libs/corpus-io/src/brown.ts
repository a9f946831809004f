/** Plain text from the tagged Brown corpus (form C: `word/tag` tokens, one sentence a paragraph). */

/** Tokens written without a space before them. */
const CLOSING = new Set(['.', ',', ';', ':', '?', '!', ')', ']', "''", "'"]);
/** Tokens written without a space after them. */
const OPENING = new Set(['(', '[', '``']);

/** The text of a Brown corpus file: tags stripped, tokens joined as prose, sentences one a line. */
export function brownPlainText(tagged: string): string {
  const sentences: string[] = [];
  for (const block of tagged.split(/\n\s*\n/)) {
    const tokens = block.split(/\s+/).filter((token) => token !== '').map(stripTag);
    if (tokens.length > 0) sentences.push(joinTokens(tokens));
  }
  return sentences.join('\n');
}

/** `word/tag` -> `word` (the tag follows the last slash; words like `1/2` keep theirs). */
function stripTag(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash > 0 ? token.slice(0, slash) : token;
}

function joinTokens(tokens: readonly string[]): string {
  let text = '';
  let glueNext = true;
  for (const token of tokens) {
    if (!glueNext && !CLOSING.has(token)) text += ' ';
    text += token === '``' || token === "''" ? '"' : token;
    glueNext = OPENING.has(token);
  }
  return text;
}
