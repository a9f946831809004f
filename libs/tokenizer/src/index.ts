// BPE tokenizer of the paper (PAPER.md section 2): training, encoding, decoding, and
// Hugging Face tokenizer.json files.
export type { BpeModelSpec } from './bpe-model.js';
export { PRE_TOKENIZER_JSON, preTokenize } from './pre-tokenize.js';
export { SPECIAL_TOKENS, type SpecialToken, type SpecialTokenIds } from './special-tokens.js';
export { BpeTokenizer, loadTokenizer, tokenizerFromJson, type DecodeOptions } from './tokenizer.js';
export { TokenizerFileError } from './tokenizer-json.js';
export {
  DEFAULT_END_OF_WORD_SUFFIX,
  DEFAULT_VOCAB_SIZE,
  countWords,
  trainBpe,
  trainBpeFromWordCounts,
  type TextSource,
  type TrainBpeOptions,
} from './train.js';
export { readTokenFile, writeTokenFile, type TokenFileSummary } from './token-file.js';
