import { Column, Entity, PrimaryColumn } from 'typeorm';
import { shortTextColumn, timestampColumn } from './column-types.js';

/** The idempotency ledger: one row per (consumer, event) whose effect has been committed. */
@Entity('processed_event')
export class ProcessedEvent {
  @PrimaryColumn(shortTextColumn)
  consumer!: string;

  @PrimaryColumn({ type: 'varchar', length: 500 })
  eventKey!: string;

  @Column(timestampColumn)
  processedAt!: Date;
}
