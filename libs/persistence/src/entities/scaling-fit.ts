import type { CorpusVariant } from '@downscale/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { enumColumn, idColumn, intColumn, jsonColumn } from './column-types.js';
import { Experiment } from './experiment.js';
import { IdentifiedRecord } from './identified-record.js';

/** Residual of one data point: what was observed and what the law predicts. */
export interface FitResidual {
  runId: string;
  observed: number;
  predicted: number;
}

/** One version of a fitted scaling law; a refit adds a row with a higher version. */
@Entity('scaling_fit')
@Index('ix_scaling_fit_lookup', ['experimentId', 'form', 'variant', 'version'])
export class ScalingFit extends IdentifiedRecord {
  /** Fits may pool runs of several experiments; then there is none. */
  @Column({ ...idColumn, nullable: true })
  experimentId!: string | null;

  @ManyToOne(() => Experiment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'experiment_id' })
  experiment?: Experiment;

  /** `pure-power`, `power-plus-constant` or `joint-chinchilla`. */
  @Column(enumColumn)
  form!: string;

  @Column(enumColumn)
  variant!: CorpusVariant;

  @Column(intColumn)
  version!: number;

  /** What the loss was fitted against, e.g. `params`, `tokens`, `compute`. */
  @Column(jsonColumn)
  inputs!: string[];

  @Column(jsonColumn)
  parameters!: Record<string, number>;

  /** Confidence interval [low, high] per parameter. */
  @Column(jsonColumn)
  intervals!: Record<string, [number, number]>;

  @Column(jsonColumn)
  residuals!: FitResidual[];

  @Column(jsonColumn)
  runIds!: string[];
}
