import type { TaskVersion } from '@downscale/contracts';
import { Column, Entity, Index } from 'typeorm';
import { enumColumn, intColumn, shortTextColumn, textColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';

/** A zero-shot evaluation task, in its original or simplified version. */
@Entity('task')
@Index('ux_task_name_version', ['name', 'version'], { unique: true })
export class Task extends IdentifiedRecord {
  @Column(shortTextColumn)
  name!: string;

  @Column(enumColumn)
  version!: TaskVersion;

  /** How it is scored, e.g. `multiple-choice` or `minimal-pairs`. */
  @Column(enumColumn)
  format!: string;

  @Column({ ...intColumn, nullable: true })
  exampleCount!: number | null;

  @Column({ ...textColumn, nullable: true })
  uri!: string | null;
}
