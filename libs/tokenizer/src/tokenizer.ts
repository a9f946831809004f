import { readFile, writeFile } from 'node:fs/promises';
import { BpeModel, type BpeModelSpec } from './bpe-model.js';
import { forEachPreTokenSpan } from './pre-tokenize.js';
import { SPECIAL_TOKEN_PATTERN, type SpecialTokenIds } from './special-tokens.js';
import { parseTokenizerJson, toTokenizerJson, TokenizerFileError } from './tokenizer-json.js';
import { WordCache } from './word-cache.js';

export interface DecodeOptions {
  /** Leave out [UNK] [PAD] [MASK] <s> </s> (default false; Python's `decode` defaults to true). */
  readonly skipSpecialTokens?: boolean;
}

/**
 * A trained BPE tokenizer: encodes and decodes exactly as Hugging Face tokenizers does with the
 * tokenizer.json that {@link BpeTokenizer.toJSON} produces.
 */
export class BpeTokenizer {
  readonly specialTokenIds: SpecialTokenIds;
  private readonly model: BpeModel;
  private readonly cache = new WordCache();
  private readonly specialIds: ReadonlySet<number>;
  /** Where `encode` collects ids (reused, grown by doubling; a plain array's push is several times slower). */
  private output = new Int32Array(1024);
  private outputLength = 0;
  /** The text `encode` is working on, for the per-word callback. */
  private text = '';

  constructor(readonly spec: BpeModelSpec) {
    this.model = new BpeModel(spec);
    const id = (token: string): number => {
      const found = this.model.idOf.get(token);
      if (found === undefined) throw new Error(`special token ${token} is not in the vocabulary`);
      return found;
    };
    this.specialTokenIds = { unk: id('[UNK]'), pad: id('[PAD]'), mask: id('[MASK]'), bos: id('<s>'), eos: id('</s>') };
    this.specialIds = new Set(Object.values(this.specialTokenIds));
  }

  /** Number of tokens, special tokens included. */
  get vocabSize(): number {
    return this.spec.vocab.length;
  }

  /** Token ids of `text`. Special tokens written in the text (e.g. `</s>`) become their ids. */
  encode(text: string): Int32Array {
    this.text = text;
    this.outputLength = 0;
    let start = 0;
    SPECIAL_TOKEN_PATTERN.lastIndex = 0;
    for (let match = SPECIAL_TOKEN_PATTERN.exec(text); match !== null; match = SPECIAL_TOKEN_PATTERN.exec(text)) {
      forEachPreTokenSpan(text, this.appendWord, start, match.index);
      this.append(this.model.idOf.get(match[0]) as number);
      start = match.index + match[0].length;
    }
    forEachPreTokenSpan(text, this.appendWord, start, text.length);
    return this.output.slice(0, this.outputLength);
  }

  private readonly appendWord = (start: number, end: number, hash: number): void => {
    let ids = this.cache.get(this.text, start, end, hash);
    if (ids === undefined) {
      const word = this.text.slice(start, end);
      ids = Int32Array.from(this.model.encodeWord(word));
      this.cache.set(word, ids);
    }
    const count = ids.length;
    if (this.outputLength + count > this.output.length) this.grow(this.outputLength + count);
    // A loop: most words are one or two tokens, too few for TypedArray.set to pay off.
    const output = this.output;
    let at = this.outputLength;
    for (let index = 0; index < count; index++) output[at++] = ids[index] as number;
    this.outputLength = at;
  };

  private append(id: number): void {
    if (this.outputLength === this.output.length) this.grow(this.outputLength + 1);
    this.output[this.outputLength++] = id;
  }

  private grow(minimum: number): void {
    const grown = new Int32Array(Math.max(minimum, 2 * this.output.length));
    grown.set(this.output.subarray(0, this.outputLength));
    this.output = grown;
  }

  /**
   * Text of `ids`, as Hugging Face's BPEDecoder gives it: the end-of-word suffix becomes a space
   * (nothing after the last token), so words come back separated by single spaces, punctuation
   * included (`Hello, world` -> `Hello , world`). Without a suffix, tokens are joined by spaces.
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const all = Array.from(ids);
    const kept = options.skipSpecialTokens ? all.filter((id) => !this.specialIds.has(id)) : all;
    const tokens = kept.map((id) => this.idToToken(id));
    const suffix = this.spec.endOfWordSuffix;
    if (!suffix) return tokens.join(' ');
    const last = tokens.length - 1;
    return tokens.map((token, index) => token.replaceAll(suffix, index === last ? '' : ' ')).join('');
  }

  /** Token of `id`; throws a RangeError outside the vocabulary. */
  idToToken(id: number): string {
    const token = this.spec.vocab[id];
    if (token === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    return token;
  }

  /** Id of `token`, or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.model.idOf.get(token);
  }

  /** The Hugging Face tokenizer.json document. */
  toJSON(): Record<string, unknown> {
    return toTokenizerJson(this.spec);
  }

  /** Writes tokenizer.json to `path`; the same tokenizer always gives the same bytes. */
  async save(path: string): Promise<void> {
    await writeFile(path, `${JSON.stringify(this.toJSON(), null, 2)}\n`);
  }
}

/** A tokenizer from a parsed tokenizer.json; `source` names it in errors. */
export function tokenizerFromJson(json: unknown, source = 'tokenizer.json'): BpeTokenizer {
  const spec = parseTokenizerJson(json, source);
  try {
    return new BpeTokenizer(spec);
  } catch (error) {
    throw new TokenizerFileError(source, (error as Error).message);
  }
}

/** Loads a tokenizer.json written by {@link BpeTokenizer.save} (or an equivalent one). */
export async function loadTokenizer(path: string): Promise<BpeTokenizer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenizerFileError(path, `cannot read the file (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenizerFileError(path, `not valid JSON (${(error as Error).message})`);
  }
  return tokenizerFromJson(json, path);
}
