import { randomUUID } from 'node:crypto';
import { BeforeInsert, Column, PrimaryColumn } from 'typeorm';
import { idColumn, timestampColumn } from './column-types.js';

/**
 * A row with a string id and a creation time. Both may be given by the caller (ids from a
 * message); otherwise they are filled in when an entity instance is saved. Plain objects
 * passed to `insert()` do not run entity hooks, so those must carry both.
 */
export abstract class IdentifiedRecord {
  @PrimaryColumn(idColumn)
  id!: string;

  @Column(timestampColumn)
  createdAt!: Date;

  @BeforeInsert()
  protected fillIdentity(): void {
    this.id ??= randomUUID();
    this.createdAt ??= new Date();
  }
}
