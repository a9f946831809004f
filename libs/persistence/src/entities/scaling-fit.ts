import type { CorpusVariant } from '@downscale/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { enumColumn, idColumn, intColumn, jsonColumn, sha256Column } from './column-types.js';
import { Experiment } from './experiment.js';
import { IdentifiedRecord } from './identified-record.js';

/** Residual of one data point: what was observed and what the law predicts. */
export interface FitResidual {
  runId: string;
  observed: number;
  predicted: number;
  /** Where the point lies, by input (e.g. `{ tokens: 4e5 }`): a run gives several points along its curve. */
  at?: Record<string, number>;
}

/** One version of a fitted scaling law; a refit adds a row with a higher version. */
@Entity('scaling_fit')
@Index('ux_scaling_fit_version', ['experimentId', 'axis', 'form', 'variant', 'version'], { unique: true })
export class ScalingFit extends IdentifiedRecord {
  /** Fits may pool runs of several experiments; then there is none. */
  @Column({ ...idColumn, nullable: true })
  experimentId!: string | null;

  @ManyToOne(() => Experiment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'experiment_id' })
  experiment?: Experiment;

  /**
   * What loss is fitted against: `params`, `paramsTotal`, `tokens`, `compute`, or
   * `params+tokens` for the joint law; its inputs joined by `+`. A column of its own because
   * versions are numbered per axis and an index cannot look inside `inputs`.
   */
  @Column({ ...enumColumn, default: 'params' })
  axis!: string;

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

  /** 95% interval [low, high] per parameter; a bound is null where the bootstrap found it unbounded. */
  @Column(jsonColumn)
  intervals!: Record<string, [number | null, number | null]>;

  @Column(jsonColumn)
  residuals!: FitResidual[];

  @Column(jsonColumn)
  runIds!: string[];

  /** Goodness of fit (R² in log space), method and settings, held-out extrapolation error. */
  @Column(jsonColumn)
  diagnostics!: Record<string, unknown>;

  /** sha256 of the fitted points and settings: a refit of unchanged inputs adds no version. */
  @Column(sha256Column)
  inputHash!: string;
}
