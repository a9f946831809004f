import type { CorpusVariant } from '@downscale/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { enumColumn, idColumn, jsonColumn, sha256Column, textColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';
import { Vocabulary } from './vocabulary.js';

/** The corpus statistics (stats.json: counts, retention per subset, OOV rate, span lengths, Zipf, top OOV words) and token counts. */
export type CorpusStats = Record<string, unknown>;

/** A prepared corpus; the simplified and the regular variant of one source are two rows. */
@Entity('corpus')
@Index('ix_corpus_content_hash', ['contentHash'])
export class Corpus extends IdentifiedRecord {
  /** `bundled` or the path/glob the corpus was read from. */
  @Column(textColumn)
  source!: string;

  @Column(enumColumn)
  variant!: CorpusVariant;

  /** Reuse key: an identical corpus is not built twice. */
  @Column(sha256Column)
  contentHash!: string;

  /** The vocabulary used to simplify; none for the regular variant. */
  @Column({ ...idColumn, nullable: true })
  vocabularyId!: string | null;

  @ManyToOne(() => Vocabulary, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'vocabulary_id' })
  vocabulary?: Vocabulary;

  /** Artifact-store location of the shards. */
  @Column({ ...textColumn, nullable: true })
  uri!: string | null;

  @Column({ ...jsonColumn, nullable: true })
  stats!: CorpusStats | null;
}
