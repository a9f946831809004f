import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { bigCountColumn, idColumn, intColumn, sha256Column, textColumn, timestampColumn } from './column-types.js';
import { IdentifiedRecord } from './identified-record.js';
import { Run } from './run.js';

/** Saved model weights at one step of a run; the files live in the artifact store. */
@Entity('checkpoint')
@Index('ux_checkpoint_run_step', ['runId', 'step'], { unique: true })
export class Checkpoint extends IdentifiedRecord {
  @Column(idColumn)
  runId!: string;

  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  @Column(intColumn)
  step!: number;

  @Column(bigCountColumn)
  tokens!: number;

  @Column(textColumn)
  uri!: string;

  @Column(sha256Column)
  sha256!: string;

  /** When every task of the experiment was evaluated on it (null until then). */
  @Column({ ...timestampColumn, nullable: true })
  evaluatedAt!: Date | null;
}
