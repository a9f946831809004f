import type { ExperimentSpec } from '@downscale/contracts';
import { Column, Entity, Index } from 'typeorm';
import { enumColumn, jsonColumn, shortTextColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';

export type ExperimentState = 'created' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One study: a grid of runs on one corpus source, with its evaluation tasks. */
@Entity('experiment')
@Index('ix_experiment_created_at', ['createdAt'])
export class Experiment extends IdentifiedRecord {
  @Column(shortTextColumn)
  name!: string;

  /** `demo`, `paper` or `custom`. */
  @Column(enumColumn)
  preset!: string;

  /** The spec as submitted, so that the experiment can be re-run. */
  @Column(jsonColumn)
  spec!: ExperimentSpec;

  @Column(enumColumn)
  state!: ExperimentState;
}
