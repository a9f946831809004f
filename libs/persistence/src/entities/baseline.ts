import type { TaskVersion } from '@downscale/contracts';
import { Column, Entity, Index } from 'typeorm';
import { bigCountColumn, enumColumn, floatColumn, shortTextColumn, textColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';

/** A published result of an external model (e.g. Pythia, OPT) to compare against. */
@Entity('baseline')
@Index('ux_baseline_model_task_metric', ['model', 'task', 'taskVersion', 'metric'], { unique: true })
export class Baseline extends IdentifiedRecord {
  /** e.g. `pythia-70m`. */
  @Column(shortTextColumn)
  model!: string;

  /** e.g. `Pythia`, `OPT`. */
  @Column(shortTextColumn)
  family!: string;

  @Column({ ...bigCountColumn, nullable: true })
  params!: number | null;

  @Column({ ...bigCountColumn, nullable: true })
  tokens!: number | null;

  @Column(shortTextColumn)
  task!: string;

  @Column(enumColumn)
  taskVersion!: TaskVersion;

  /** `acc`, `acc_norm`, `loss`... */
  @Column(enumColumn)
  metric!: string;

  @Column(floatColumn)
  value!: number;

  /** Where the number comes from: paper, table, URL. */
  @Column({ ...textColumn, nullable: true })
  reference!: string | null;
}
