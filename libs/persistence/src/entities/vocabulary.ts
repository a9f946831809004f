import { Column, Entity, Index } from 'typeorm';
import { intColumn, sha256Column, shortTextColumn, textColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';

/** A word list that decides which spans of a corpus count as simplified language. */
@Entity('vocabulary')
@Index('ix_vocabulary_content_hash', ['contentHash'])
export class Vocabulary extends IdentifiedRecord {
  @Column(shortTextColumn)
  name!: string;

  /** `default` (the bundled proxy vocabulary) or the path it was read from. */
  @Column(textColumn)
  source!: string;

  @Column(intColumn)
  wordCount!: number;

  @Column(sha256Column)
  contentHash!: string;
}
