import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigCountColumn, floatColumn, idColumn, intColumn } from './column-types.js';
import { Run } from './run.js';

/**
 * One logged training step. (runId, step) is the primary key: it makes re-sent points
 * idempotent and is the index that loads a run's curve in step order.
 */
@Entity('metric_point')
@Index('ix_metric_point_run_eval_loss', ['runId', 'evalLoss'])
export class MetricPoint {
  @PrimaryColumn(idColumn)
  runId!: string;

  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  @PrimaryColumn(intColumn)
  step!: number;

  @Column(bigCountColumn)
  tokens!: number;

  @Column(floatColumn)
  flopsKaplan!: number;

  @Column({ ...floatColumn, nullable: true })
  flopsHoffmann!: number | null;

  @Column({ ...floatColumn, nullable: true })
  trainLoss!: number | null;

  @Column({ ...floatColumn, nullable: true })
  evalLoss!: number | null;

  @Column({ ...floatColumn, nullable: true })
  learningRate!: number | null;

  @Column({ ...floatColumn, nullable: true })
  tokensPerSecond!: number | null;
}
