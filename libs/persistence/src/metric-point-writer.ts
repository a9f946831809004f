import type { MetricPointPayload } from '@downscale/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { MetricPoint } from './entities/metric-point.js';
import { runInTransaction } from './transactions.js';

export interface MetricPointWriterOptions {
  /** Write as soon as this many points are buffered. Default 500. */
  batchSize?: number;
  /** Write whatever is buffered at least this often (ms). Default 1000. */
  flushIntervalMs?: number;
  /**
   * Told about failed background writes (size or interval triggered). The points stay
   * buffered and the next write retries them; flush() and close() rethrow their own failures.
   */
  onBackgroundError?: (error: unknown) => void;
}

type MetricPointRow = Omit<MetricPoint, 'run'>;

// SQLite refuses statements with more bound values than SQLITE_MAX_VARIABLE_NUMBER (32766
// since SQLite 3.32; better-sqlite3 bundles a newer SQLite); PostgreSQL allows 65535.
const maxBoundValuesPerStatement = 32_766;

const optionalNumbers = ['flopsHoffmann', 'trainLoss', 'evalLoss', 'learningRate', 'tokensPerSecond'] as const;

/** Rejects a point at `add` time: a row the database refuses would block every later write. */
function toRow(runId: string, point: MetricPointPayload): MetricPointRow {
  const where = `metric point (run ${runId}, step ${point.step})`;
  if (typeof runId !== 'string' || runId.length === 0) throw new Error(`${where}: runId must be a non-empty string`);
  if (!Number.isSafeInteger(point.step) || point.step < 0) throw new Error(`${where}: step must be a non-negative integer`);
  if (!Number.isSafeInteger(point.tokens) || point.tokens < 0) throw new Error(`${where}: tokens must be a non-negative integer`);
  if (!Number.isFinite(point.flopsKaplan)) throw new Error(`${where}: flopsKaplan must be a finite number`);
  const row: MetricPointRow = {
    runId,
    step: point.step,
    tokens: point.tokens,
    flopsKaplan: point.flopsKaplan,
    flopsHoffmann: null,
    trainLoss: null,
    evalLoss: null,
    learningRate: null,
    tokensPerSecond: null,
  };
  for (const name of optionalNumbers) {
    const value = point[name];
    if (value === undefined) continue;
    if (!Number.isFinite(value)) throw new Error(`${where}: ${name} must be a finite number or absent, got ${value}`);
    row[name] = value;
  }
  return row;
}

async function insertIgnoringDuplicates(manager: EntityManager, rows: MetricPointRow[]): Promise<void> {
  const rowsPerStatement = Math.floor(maxBoundValuesPerStatement / manager.connection.getMetadata(MetricPoint).columns.length);
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(MetricPoint)
      .values(rows.slice(start, start + rowsPerStatement))
      // A re-sent (runId, step) keeps the row already stored: ON CONFLICT DO NOTHING / INSERT OR IGNORE.
      .orIgnore()
      .updateEntity(false)
      .callListeners(false)
      .execute();
  }
}

/**
 * Buffers metric points and writes them in batches: multi-row inserts in one transaction,
 * when `batchSize` points are waiting, every `flushIntervalMs`, and on flush()/close().
 * Points leave the buffer only once committed, so a failed write loses nothing: flush()
 * rethrows and a later flush() retries. One write runs at a time.
 */
export class MetricPointWriter {
  private readonly batchSize: number;
  private readonly onBackgroundError: (error: unknown) => void;
  private readonly timer: ReturnType<typeof setInterval>;
  private buffer: MetricPointRow[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    options: MetricPointWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.onBackgroundError = options.onBackgroundError ?? (() => undefined);
    this.timer = setInterval(() => this.flushInBackground(), options.flushIntervalMs ?? 1_000);
    // Buffered points must not keep a process alive; close() is what saves them.
    this.timer.unref();
  }

  /** Points waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Queues points of one run (e.g. one `metrics.reported` message). Throws on an invalid point, queuing none. */
  add(runId: string, points: readonly MetricPointPayload[]): void {
    if (this.closed) throw new Error(`MetricPointWriter is closed: cannot add points of run ${runId}`);
    const rows = points.map((point) => toRow(runId, point));
    this.buffer.push(...rows);
    if (this.buffer.length >= this.batchSize) this.flushInBackground();
  }

  /** Writes every point added before the call; rejects, keeping them buffered, if the write fails. */
  async flush(): Promise<void> {
    // A write already running covers only what was buffered when it started: wait, then write the rest.
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.buffer.length === 0) return;
    this.writing = this.writeBuffered();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** Stops the timer and writes what is left. If that fails it rejects; flush() may be retried. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  private flushInBackground(): void {
    if (this.writing || this.buffer.length === 0) return;
    this.flush().catch(this.onBackgroundError);
  }

  private async writeBuffered(): Promise<void> {
    const rows = this.buffer.slice();
    await runInTransaction(this.dataSource, (manager) => insertIgnoringDuplicates(manager, rows));
    // Points added while writing were appended after `rows`.
    this.buffer = this.buffer.slice(rows.length);
  }
}
