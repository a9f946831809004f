import type { CorpusJob } from '@downscale/contracts';
import { Corpus, runInTransaction, Tokenizer, Vocabulary } from '@downscale/persistence';
import type { DataSource } from 'typeorm';

export interface PreparedCorpus {
  corpus: Corpus;
  tokenizer: Tokenizer;
}

/** A corpus prepared earlier from the same inputs and settings, with its tokenizer. */
export async function findPreparedCorpus(dataSource: DataSource, contentHash: string): Promise<PreparedCorpus | undefined> {
  const corpus = await dataSource.getRepository(Corpus).findOne({ where: { contentHash }, order: { createdAt: 'DESC' } });
  if (!corpus?.uri) return undefined;
  const tokenizer = await dataSource.getRepository(Tokenizer).findOneBy({ corpusId: corpus.id });
  return tokenizer ? { corpus, tokenizer } : undefined;
}

export interface NewCorpusRecord {
  job: CorpusJob;
  contentHash: string;
  vocabulary: { name: string; wordCount: number; contentHash: string } | undefined;
  uri: string;
  stats: Record<string, unknown>;
  tokenizer: { uri: string; sha256: string; vocabSize: number };
}

/** Stores a prepared corpus, its tokenizer and (reused when already known) its vocabulary, in one transaction. */
export async function savePreparedCorpus(dataSource: DataSource, record: NewCorpusRecord): Promise<PreparedCorpus> {
  return runInTransaction(dataSource, async (manager) => {
    let vocabularyId: string | null = null;
    if (record.vocabulary) {
      const known = await manager.findOneBy(Vocabulary, { contentHash: record.vocabulary.contentHash });
      const vocabulary =
        known ?? (await manager.save(manager.create(Vocabulary, { ...record.vocabulary, source: record.job.vocabulary })));
      vocabularyId = vocabulary.id;
    }
    const corpus = await manager.save(
      manager.create(Corpus, {
        source: record.job.source,
        variant: record.job.variant,
        contentHash: record.contentHash,
        vocabularyId,
        uri: record.uri,
        stats: record.stats,
      }),
    );
    const tokenizer = await manager.save(manager.create(Tokenizer, { corpusId: corpus.id, ...record.tokenizer }));
    return { corpus, tokenizer };
  });
}
