import type { BpeModelSpec } from './bpe-model.js';
import { PRE_TOKENIZER_JSON } from './pre-tokenize.js';
import { SPECIAL_TOKENS } from './special-tokens.js';

/** A tokenizer.json that this library cannot read, with the file (or other source) it came from. */
export class TokenizerFileError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'TokenizerFileError';
  }
}

/** The Hugging Face `tokenizer.json` document for a BPE model with the paper's settings. */
export function toTokenizerJson(spec: BpeModelSpec): Record<string, unknown> {
  const suffix = spec.endOfWordSuffix;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: spec.vocab.indexOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: PRE_TOKENIZER_JSON,
    post_processor: null,
    decoder: suffix ? { type: 'BPEDecoder', suffix } : null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: spec.unkToken,
      continuing_subword_prefix: null,
      end_of_word_suffix: suffix || null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(spec.vocab.map((token, id) => [token, id])),
      // "left right" strings: tokens never contain a space, and every tokenizers version reads them.
      merges: spec.merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Model options this encoder does not implement, with the value each must have. */
const UNSUPPORTED_MODEL_OPTIONS: readonly [string, unknown][] = [
  ['dropout', null],
  ['continuing_subword_prefix', null],
  ['fuse_unk', false],
  ['byte_fallback', false],
  ['ignore_merges', false],
];

/**
 * Checks a parsed tokenizer.json and returns its BPE model. Only what this encoder reproduces
 * exactly is accepted (the paper's pre-tokenizer, no normalizer or post-processor, the special
 * tokens as added tokens); anything else is refused with the reason, rather than encoded
 * differently from Hugging Face.
 */
export function parseTokenizerJson(json: unknown, source: string): BpeModelSpec {
  const fail = (reason: string): never => {
    throw new TokenizerFileError(source, reason);
  };
  if (!isRecord(json)) return fail('not a tokenizer.json: expected a JSON object');
  const model = json.model;
  if (!isRecord(model)) return fail('not a tokenizer.json: no "model" object');
  if (model.type !== 'BPE') return fail(`model type ${JSON.stringify(model.type)} is not supported; only BPE tokenizers can be loaded`);
  for (const [option, expected] of UNSUPPORTED_MODEL_OPTIONS) {
    const value = model[option] ?? null;
    if (value !== expected && !(expected === false && value === null)) {
      fail(`model.${option} ${JSON.stringify(value)} is not supported (expected ${JSON.stringify(expected)})`);
    }
  }
  if (JSON.stringify(json.pre_tokenizer) !== JSON.stringify(PRE_TOKENIZER_JSON)) {
    fail(`pre_tokenizer ${JSON.stringify(json.pre_tokenizer)} is not supported; expected ${JSON.stringify(PRE_TOKENIZER_JSON)}`);
  }
  for (const part of ['normalizer', 'post_processor'] as const) {
    if ((json[part] ?? null) !== null) fail(`${part} ${JSON.stringify(json[part])} is not supported; expected null`);
  }
  const suffix = model.end_of_word_suffix ?? '';
  if (typeof suffix !== 'string') return fail('model.end_of_word_suffix must be a string or null');
  const expectedDecoder = suffix ? { type: 'BPEDecoder', suffix } : null;
  if (JSON.stringify(json.decoder ?? null) !== JSON.stringify(expectedDecoder)) {
    fail(`decoder ${JSON.stringify(json.decoder)} is not supported; expected ${JSON.stringify(expectedDecoder)}`);
  }
  const unkToken = model.unk_token;
  if (typeof unkToken !== 'string') return fail('model.unk_token must be a string');
  const vocab = parseVocab(model.vocab, fail);
  const merges = parseMerges(model.merges, fail);
  parseAddedTokens(json.added_tokens, vocab, fail);
  return { vocab, merges, endOfWordSuffix: suffix, unkToken };
}

function parseVocab(value: unknown, fail: (reason: string) => never): string[] {
  if (!isRecord(value)) return fail('model.vocab must be an object of token -> id');
  const vocab: string[] = [];
  for (const [token, id] of Object.entries(value)) {
    if (!Number.isInteger(id) || (id as number) < 0) fail(`model.vocab: id of ${JSON.stringify(token)} is ${JSON.stringify(id)}, not a non-negative integer`);
    if (vocab[id as number] !== undefined) fail(`model.vocab: id ${String(id)} is used by both ${JSON.stringify(vocab[id as number])} and ${JSON.stringify(token)}`);
    vocab[id as number] = token;
  }
  for (let id = 0; id < vocab.length; id++) {
    if (vocab[id] === undefined) fail(`model.vocab: ids are not contiguous, no token has id ${id}`);
  }
  return vocab;
}

function parseMerges(value: unknown, fail: (reason: string) => never): [string, string][] {
  if (!Array.isArray(value)) return fail('model.merges must be an array');
  return value.map((merge: unknown, rank): [string, string] => {
    // Both formats of tokenizers: "left right" (before 0.20) and ["left", "right"].
    const pair = typeof merge === 'string' ? merge.split(' ') : merge;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((part) => typeof part === 'string')) {
      return fail(`model.merges[${rank}] is ${JSON.stringify(merge)}, expected "left right" or ["left", "right"]`);
    }
    return [pair[0] as string, pair[1] as string];
  });
}

function parseAddedTokens(value: unknown, vocab: readonly string[], fail: (reason: string) => never): void {
  if (!Array.isArray(value)) return fail('added_tokens must be an array');
  const added = new Map<string, unknown>();
  for (const entry of value as unknown[]) {
    if (!isRecord(entry) || typeof entry.content !== 'string') return fail(`added_tokens: malformed entry ${JSON.stringify(entry)}`);
    if (entry.special !== true || entry.normalized !== false || entry.lstrip || entry.rstrip || entry.single_word) {
      fail(`added_tokens: ${JSON.stringify(entry.content)} must be special, not normalized, without lstrip, rstrip or single_word`);
    }
    if (!(SPECIAL_TOKENS as readonly string[]).includes(entry.content)) {
      fail(`added_tokens: ${JSON.stringify(entry.content)} is not one of the supported special tokens ${SPECIAL_TOKENS.join(' ')}`);
    }
    added.set(entry.content, entry.id);
  }
  for (const token of SPECIAL_TOKENS) {
    const id = added.get(token);
    if (id === undefined) fail(`added_tokens: special token ${token} is missing`);
    if (vocab[id as number] !== token) fail(`added_tokens: ${token} has id ${JSON.stringify(id)} but model.vocab gives that id to ${JSON.stringify(vocab[id as number])}`);
  }
}
