// Corpus I/O at scale: streaming readers, the sharded and resumable simplified corpus, the
// regular control corpus and the bundled default corpus.
export { writeFileAtomic } from './atomic-write.js';
export { BadRecordTally, type BadRecordSummary } from './bad-records.js';
export { DEFAULT_SHARD_CHARS, shardDocuments, type DocumentBatch } from './batches.js';
export { CorpusReadError, describePlace, type BadRecordPolicy, type CorpusDocument, type RecordPlace } from './documents.js';
export { FilterPool } from './filter-pool.js';
export { vocabularyHash } from './manifest.js';
export { inputFormat, resolveInputFiles, resolveRunInputs, type InputFile, type InputFormat } from './input-files.js';
export { readDocuments, readFileDocuments, readInputFiles, readParquetRows, type ParquetRow, type ReadDocumentsOptions } from './readers.js';
export {
  NO_SUBSET,
  ShardStatisticsBuilder,
  ShardStatisticsMerger,
  mergeShardStatistics,
  type MergeStatisticsOptions,
  type MergedStatistics,
  type ShardStatistics,
  type SubsetCounts,
  type SubsetRetention,
} from './shard-statistics.js';
export { SAMPLE_TEXT_BYTES, SPAN_SAMPLE_SIZE, type KeyedSpanSample, type SpanSample } from './span-samples.js';
export { finishedShards, planShards, runShard, shardFiles, type ShardFiles, type ShardJob } from './shard.js';
export {
  DEFAULT_SHARD_BYTES,
  SPANS_FILE,
  STATS_FILE,
  simplifyCorpus,
  type SimplifiedCorpusStats,
  type SimplifyCorpusOptions,
  type SimplifyCorpusResult,
  type SimplifyProgress,
} from './simplify-corpus.js';
export { DOCUMENTS_FILE, regularCorpus, type RegularCorpusBudget, type RegularCorpusOptions, type RegularCorpusResult, type RegularCorpusStats } from './regular-corpus.js';
export { HOLDOUT_BOOKS, bundledCorpus, bundledHoldout, writeBundledCorpus } from './bundled-corpus.js';
export { brownPlainText } from './brown.js';
