import type { CorpusVariant, RunState } from '@downscale/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { bigCountColumn, enumColumn, idColumn, intColumn, jsonColumn, shortTextColumn, textColumn, timestampColumn } from './column-types.js';
import { Corpus } from './corpus.js';
import { Experiment } from './experiment.js';
import { IdentifiedRecord } from './identified-record.js';
import { Tokenizer } from './tokenizer.js';

/** One training run: a grid point (size x variant x seed) of an experiment. */
@Entity('run')
@Index('ix_run_experiment_created_at', ['experimentId', 'createdAt'])
@Index('ix_run_created_at', ['createdAt'])
@Index('ix_run_state', ['state'])
export class Run extends IdentifiedRecord {
  @Column(idColumn)
  experimentId!: string;

  @ManyToOne(() => Experiment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'experiment_id' })
  experiment?: Experiment;

  /** Known once the corpus service has prepared the data. */
  @Column({ ...idColumn, nullable: true })
  corpusId!: string | null;

  @ManyToOne(() => Corpus, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'corpus_id' })
  corpus?: Corpus;

  @Column({ ...idColumn, nullable: true })
  tokenizerId!: string | null;

  @ManyToOne(() => Tokenizer, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'tokenizer_id' })
  tokenizer?: Tokenizer;

  /** The model and training configuration the trainer received. */
  @Column(jsonColumn)
  config!: Record<string, unknown>;

  @Column(intColumn)
  hiddenSize!: number;

  @Column(intColumn)
  layers!: number;

  @Column({ ...bigCountColumn, nullable: true })
  paramsTotal!: number | null;

  @Column({ ...bigCountColumn, nullable: true })
  paramsNonEmbedding!: number | null;

  @Column(enumColumn)
  variant!: CorpusVariant;

  @Column(intColumn)
  seed!: number;

  @Column(enumColumn)
  state!: RunState;

  /** Where it trains, e.g. `tfjs-node-gpu`; set when a trainer picks the run up. */
  @Column({ ...shortTextColumn, nullable: true })
  backend!: string | null;

  @Column({ ...textColumn, nullable: true })
  failureReason!: string | null;

  @Column({ ...timestampColumn, nullable: true })
  startedAt!: Date | null;

  @Column({ ...timestampColumn, nullable: true })
  finishedAt!: Date | null;

  @Column({ ...timestampColumn, nullable: true })
  updatedAt!: Date | null;
}
