// Corpus simplification (PAPER.md section 1): the authors' span filter, vocabularies and
// corpus statistics.
export { BoundedCounter, type CountedKey } from './bounded-counter.js';
export { CsvSyntaxError, parseCsv, type CsvRow } from './csv.js';
export {
  CONTRACTION_FRAGMENTS,
  DEFAULT_VOCABULARY_SIZE,
  defaultVocabulary,
  resolveVocabulary,
  type DefaultVocabulary,
} from './default-vocabulary.js';
export {
  DEFAULT_SPAN_FILTER_OPTIONS,
  joinSpans,
  resolveSpanFilterOptions,
  spanFilter,
  spanFilterBytes,
  wordEnd,
  type ByteSpan,
  type ByteSpanFilterResult,
  type Span,
  type SpanFilterOptions,
  type SpanFilterResult,
} from './span-filter.js';
export {
  CorpusStatistics,
  zipfCoefficient,
  type CorpusStatisticsOptions,
  type CorpusStatisticsReport,
  type SpanLengthBin,
  type WordCount,
} from './statistics.js';
export { SPAN_DELIMITERS, asciiLowerCase, wordTokens } from './tokens.js';
export {
  VocabularyError,
  detectVocabularyFormat,
  loadVocabulary,
  oddEntryReason,
  parseVocabulary,
  type OddEntryReason,
  type OddVocabularyEntry,
  type Vocabulary,
  type VocabularyFormat,
  type VocabularyReport,
} from './vocabulary.js';
export { WordTable, wordTableOf } from './word-table.js';
