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
