import { z } from 'zod';
import { corpusVariant, id, nonNegativeInt, positiveInt, sha256Hex } from './primitives.js';

export const corpusStats = z
  .object({
    documentsIn: nonNegativeInt,
    documentsOut: nonNegativeInt,
    wordsIn: nonNegativeInt,
    wordsOut: nonNegativeInt,
    tokens: nonNegativeInt,
  })
  .strict();

export const corpusReady = z
  .object({
    corpusId: id,
    experimentId: id.optional(),
    variant: corpusVariant,
    contentHash: sha256Hex,
    tokenizerId: id,
    vocabSize: positiveInt,
    /** Artifact-store location of the corpus shards; artifacts never travel in messages. */
    uri: z.string().min(1),
    stats: corpusStats,
  })
  .strict();
export type CorpusReady = z.infer<typeof corpusReady>;

/** The span rule's parameters (PAPER.md section 1); the defaults are the paper's. */
export const spanFilterSettings = z
  .object({
    minWords: positiveInt.default(32),
    maxOovFraction: z.number().min(0).max(1).default(0.01),
    fromSentenceStart: z.boolean().default(true),
  })
  .strict();

/**
 * Prepare one corpus variant: simplify (or, for the regular control, cap) the source and train
 * its tokenizer. Taken from a work queue by any corpus-service replica; the result is stored
 * content-hashed, so a job whose inputs were already prepared reuses them.
 */
const corpusJobFields = z
  .object({
    jobId: id,
    experimentId: id.optional(),
    /** `bundled` or a path/glob the corpus service can read. */
    source: z.string().min(1),
    /** `default` (the project's proxy vocabulary) or a path to a vocabulary file. */
    vocabulary: z.string().min(1),
    variant: corpusVariant,
    filter: spanFilterSettings.default({ minWords: 32, maxOovFraction: 0.01, fromSentenceStart: true }),
    /** The regular control is capped to this many words: the simplified corpus's size. */
    wordBudget: positiveInt.optional(),
    tokenizerVocabSize: positiveInt.default(15_000),
    /** Skip (and count) malformed records instead of failing the job. */
    skipBad: z.boolean().default(false),
  })
  .strict();

const regularNeedsBudget = <T extends { variant: string; wordBudget?: number | undefined }>(job: T) =>
  job.variant === 'simplified' || job.wordBudget !== undefined;
const regularNeedsBudgetIssue = { message: 'a regular corpus job needs the wordBudget of its simplified counterpart', path: ['wordBudget'] };

export const corpusJob = corpusJobFields.refine(regularNeedsBudget, regularNeedsBudgetIssue);
export type CorpusJob = z.infer<typeof corpusJob>;

/**
 * One shard of a simplified corpus being built, for any corpus-service replica to filter (a
 * real corpus is hundreds of GB): consecutive whole input files, written as the shard's spans
 * and stats files in `outDir`. Paths are on storage every replica mounts at the same place
 * (the artifact volume); `vocabularySha256` makes a replica that resolves `vocabulary` to
 * other words refuse the shard instead of filtering it differently.
 */
export const corpusShardJob = z
  .object({
    /** The corpus job the shard belongs to. */
    jobId: id,
    index: nonNegativeInt,
    files: z.array(z.object({ path: z.string().min(1), format: z.enum(['txt', 'jsonl', 'jsonl.zst', 'parquet']) }).strict()).min(1),
    outDir: z.string().min(1),
    filter: spanFilterSettings.required(),
    skipBad: z.boolean(),
    vocabulary: z.string().min(1),
    vocabularySha256: sha256Hex,
  })
  .strict();
export type CorpusShardJob = z.infer<typeof corpusShardJob>;

/** Request of `rpc.corpus.prepare`: a corpus job; the service gives it its id. */
export const prepareCorpusRequest = corpusJobFields.omit({ jobId: true }).refine(regularNeedsBudget, regularNeedsBudgetIssue);
export type PrepareCorpusRequest = z.input<typeof prepareCorpusRequest>;

export const prepareCorpusReply = z
  .object({
    jobId: id,
    /** Core NATS subject of the job's progress messages. */
    progressSubject: z.string().min(1),
  })
  .strict();
export type PrepareCorpusReply = z.infer<typeof prepareCorpusReply>;

/** Progress of a corpus job, published on core NATS (live views only; not persisted). */
export const corpusProgress = z
  .object({
    jobId: id,
    phase: z.enum(['reading', 'tokenizer', 'tokenizing', 'storing', 'done', 'reused', 'failed']),
    documentsRead: nonNegativeInt,
    /** Input bytes done and in all, when the phase knows them. */
    bytesDone: nonNegativeInt.optional(),
    bytesTotal: nonNegativeInt.optional(),
    detail: z.string().optional(),
  })
  .strict();
export type CorpusProgress = z.infer<typeof corpusProgress>;
