import type { TaskVersion } from '@downscale/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Checkpoint } from './checkpoint.js';
import { enumColumn, floatColumn, idColumn, intColumn, jsonColumn, shortTextColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';

/** The score of one checkpoint on one task version: at most one row per checkpoint x task x version. */
@Entity('eval_result')
@Index('ux_eval_result_checkpoint_task', ['checkpointId', 'task', 'taskVersion'], { unique: true })
export class EvalResult extends IdentifiedRecord {
  @Column(idColumn)
  checkpointId!: string;

  @ManyToOne(() => Checkpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'checkpoint_id' })
  checkpoint?: Checkpoint;

  /** Task name, as in the messages (not a key of `task`: results may precede the catalogue). */
  @Column(shortTextColumn)
  task!: string;

  @Column(enumColumn)
  taskVersion!: TaskVersion;

  @Column(intColumn)
  n!: number;

  @Column({ ...floatColumn, nullable: true })
  acc!: number | null;

  @Column({ ...floatColumn, nullable: true })
  accNorm!: number | null;

  @Column({ ...floatColumn, nullable: true })
  stderr!: number | null;

  /** Held-out loss evaluations report a loss instead of an accuracy. */
  @Column({ ...floatColumn, nullable: true })
  loss!: number | null;

  /** Accuracy of guessing uniformly among the choices; of always answering the most common gold answer. */
  @Column({ ...floatColumn, nullable: true })
  chance!: number | null;

  @Column({ ...floatColumn, nullable: true })
  majority!: number | null;

  /** Bootstrap interval, bits per byte, ties, settings and their hash: what the evaluator reports beyond the headline numbers. */
  @Column({ ...jsonColumn, nullable: true })
  details!: Record<string, unknown> | null;
}
