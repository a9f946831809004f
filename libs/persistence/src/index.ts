// The database of downscale: entities, migrations, the DataSource factory, and the write and
// read paths the services share. No Nest and no NATS here.
import 'reflect-metadata';

export * from './entities/index.js';
export { migrations } from './migrations/index.js';
export { createDataSource, defaultSqlitePath, type DatabaseOptions } from './data-source.js';
export { openDatabase, revertLastMigration, type MigrationMode, type OpenDatabaseOptions } from './open-database.js';
export { grantServiceRole } from './service-role.js';
export { runInTransaction } from './transactions.js';
export { isDatabaseUnreachable, retryWhileUnreachable, type UnreachableRetryOptions } from './unreachable.js';
export { MetricPointWriter, type MetricPointWriterOptions } from './metric-point-writer.js';
export { listRuns, loadMetricCurve, type RunFilter, type RunSummary, type StepRange } from './run-queries.js';
export { IdempotencyLedger, type LedgerOutcome } from './idempotency-ledger.js';
export { startExperiment, type ExperimentAnnouncer } from './start-experiment.js';
export { addExperimentTasks, type TasksChangedAnnouncer } from './add-experiment-tasks.js';
