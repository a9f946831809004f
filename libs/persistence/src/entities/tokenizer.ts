import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { idColumn, intColumn, sha256Column, textColumn } from './column-types.js';
import { Corpus } from './corpus.js';
import { IdentifiedRecord } from './identified-record.js';

/** A BPE tokenizer trained on one corpus; the model file lives in the artifact store. */
@Entity('tokenizer')
@Index('ix_tokenizer_corpus', ['corpusId'])
export class Tokenizer extends IdentifiedRecord {
  @Column(idColumn)
  corpusId!: string;

  @ManyToOne(() => Corpus, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'corpus_id' })
  corpus?: Corpus;

  @Column(intColumn)
  vocabSize!: number;

  @Column(textColumn)
  uri!: string;

  @Column({ ...sha256Column, nullable: true })
  sha256!: string | null;
}
