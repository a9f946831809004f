import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { ProcessedEvent } from './entities/processed-event.js';
import { runInTransaction } from './transactions.js';

export type LedgerOutcome = 'applied' | 'duplicate';

/** Unique/primary-key violation: SQLSTATE 23505 on PostgreSQL, SQLITE_CONSTRAINT_* on SQLite. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Exactly-once effects for at-least-once messages: the effect and the (consumer, eventKey)
 * row of `processed_event` commit in one transaction, so a redelivered event has no second
 * effect and a failed effect leaves nothing recorded (the event can be retried).
 */
export class IdempotencyLedger {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `effect` unless (consumer, eventKey) is recorded. The key is inserted before the
   * effect runs: on PostgreSQL a concurrent delivery of the same event then waits on that row
   * and ends as 'duplicate' (unique violation, its transaction rolled back) instead of
   * running the effect twice. `effect` must do its writes through the given manager.
   */
  async runOnce(consumer: string, eventKey: string, effect: (manager: EntityManager) => Promise<void>): Promise<LedgerOutcome> {
    let keyInserted = false;
    try {
      return await runInTransaction(this.dataSource, async (manager): Promise<LedgerOutcome> => {
        if (await manager.existsBy(ProcessedEvent, { consumer, eventKey })) return 'duplicate';
        await manager.insert(ProcessedEvent, { consumer, eventKey, processedAt: new Date() });
        keyInserted = true;
        await effect(manager);
        return 'applied';
      });
    } catch (error) {
      // A unique violation from the effect itself is the effect's failure, not a duplicate.
      if (!keyInserted && isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }
}
